import type { AdminModel } from '#shared/types/api'
import { SIZES } from '#shared/constants/catalog'
import { mountSuspended, registerEndpoint } from '@nuxt/test-utils/runtime'
import { readBody, setResponseStatus } from 'h3'
import { beforeEach, describe, expect, it } from 'vitest'
import ModelForm from '~/components/admin/ModelForm.vue'
import { apiError, fieldError } from '../../../support/nuxt'

const existing: AdminModel = {
  id: 'nano-banana', label: 'Nano Banana', upstreamModel: 'nano-banana', cost: 1, supportsImageInput: true, maxInputImages: 3,
  sizes: [...SIZES], mode: 'images', enabled: true, sortOrder: 10, updatedAt: new Date(2026, 0, 1).toISOString(),
}
const sent: { method: string, body: Partial<AdminModel> }[] = []
// A new model is refused when its id is taken, as the server does; an edit answers the model changed.
registerEndpoint('/api/admin/models', {
  method: 'POST',
  handler: async (event) => {
    const body = await readBody<AdminModel>(event)
    sent.push({ method: 'POST', body })
    if (body.id === 'nano-banana') {
      setResponseStatus(event, 400)
      return { error: { ...apiError('VALIDATION_ERROR').error, details: { fields: { id: ['Taken.'] } } } }
    }
    setResponseStatus(event, 201)
    return { model: { ...existing, ...body } }
  },
})
registerEndpoint('/api/admin/models/nano-banana', {
  method: 'PATCH',
  handler: async (event) => {
    const body = await readBody<Partial<AdminModel>>(event)
    sent.push({ method: 'PATCH', body })
    return { model: { ...existing, ...body } }
  },
})

type Wrapper = Awaited<ReturnType<typeof mountSuspended>>

async function type(wrapper: Wrapper, id: string, value: string | number) {
  const input = wrapper.get(`#${id}`)
  await input.setValue(String(value))
  await input.trigger('change')
}

describe('admin model form', () => {
  beforeEach(() => {
    sent.length = 0
  })

  it('adds a model with every field the server takes, after checking them by the server\'s rules', async () => {
    const wrapper = await mountSuspended(ModelForm, { props: { model: null } })
    expect(wrapper.get('#model-id-hint').text()).toContain('小写字母')
    await type(wrapper, 'model-id', 'Pro Model')
    await wrapper.get('form').trigger('submit')
    await expect.poll(() => fieldError(wrapper, 'model-id')?.text()).toBe('格式不正确')
    await expect.poll(() => fieldError(wrapper, 'model-label')?.text()).toBe('此项为必填')
    expect(sent).toEqual([])

    await type(wrapper, 'model-id', 'nano-banana-pro-4k')
    await type(wrapper, 'model-label', 'Nano Banana Pro 4K')
    await type(wrapper, 'model-upstream', 'gemini-3-pro-image-preview')
    await type(wrapper, 'model-cost', 8)
    await wrapper.get('form').trigger('submit')
    await expect.poll(() => sent.length, { timeout: 5000 }).toBe(1)
    expect(sent[0]).toEqual({ method: 'POST', body: { id: 'nano-banana-pro-4k', label: 'Nano Banana Pro 4K', upstreamModel: 'gemini-3-pro-image-preview', cost: 8, mode: 'images', maxInputImages: 3, sizes: [...SIZES], enabled: false, sortOrder: 100 } })
    await expect.poll(() => wrapper.emitted('saved')?.length).toBe(1)
    expect(wrapper.find('[data-testid="model-price-note"]').exists()).toBe(false)
  })

  it('shows a taken id under the id field', async () => {
    const wrapper = await mountSuspended(ModelForm, { props: { model: null } })
    await type(wrapper, 'model-id', 'nano-banana')
    await type(wrapper, 'model-label', 'Again')
    await type(wrapper, 'model-upstream', 'again')
    await wrapper.get('form').trigger('submit')
    await expect.poll(() => fieldError(wrapper, 'model-id')?.text(), { timeout: 5000 }).toBe('这个模型 ID 已被使用。')
    expect(wrapper.emitted('saved')).toBeUndefined()
  })

  it('edits a model without its id, sends only what changed, and says a new price leaves past charges alone', async () => {
    const wrapper = await mountSuspended(ModelForm, { props: { model: existing } })
    expect(wrapper.find('#model-id').exists()).toBe(false)
    expect(wrapper.get<HTMLInputElement>('#model-upstream').element.value).toBe('nano-banana')
    expect(wrapper.find('[data-testid="model-price-note"]').exists()).toBe(false)

    await type(wrapper, 'model-cost', 2)
    expect(wrapper.get('[data-testid="model-price-note"]').text()).toBe('价格将从 1 改为 2 积分/张：只影响之后的生成，已经扣除的积分不会改变。')
    await type(wrapper, 'model-upstream', 'gemini-2.5-flash-image')
    await wrapper.get('form').trigger('submit')
    await expect.poll(() => sent.length, { timeout: 5000 }).toBe(1)
    expect(sent[0]).toEqual({ method: 'PATCH', body: { upstreamModel: 'gemini-2.5-flash-image', cost: 2 } })
    await expect.poll(() => wrapper.emitted('saved')?.length).toBe(1)
  })

  it('sends nothing when nothing changed', async () => {
    const wrapper = await mountSuspended(ModelForm, { props: { model: existing } })
    await wrapper.get('form').trigger('submit')
    await expect.poll(() => wrapper.emitted('cancel')?.length).toBe(1)
    expect(sent).toEqual([])
  })
})
