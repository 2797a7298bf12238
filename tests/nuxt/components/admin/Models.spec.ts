import type { AdminModel } from '#shared/types/api'
import { mountSuspended, registerEndpoint } from '@nuxt/test-utils/runtime'
import { afterEach, describe, expect, it } from 'vitest'
import ModelForm from '~/components/admin/ModelForm.vue'
import Models from '~/components/admin/Models.vue'

const model = (id: string, fields: Partial<AdminModel> = {}): AdminModel => ({
  id, label: id.toUpperCase(), upstreamModel: `up-${id}`, cost: 1, supportsImageInput: true, maxInputImages: 3,
  sizes: ['1:1', '16:9'], mode: 'images', enabled: true, sortOrder: 10, updatedAt: new Date(2026, 0, 1).toISOString(), ...fields,
})
registerEndpoint('/api/admin/models', () => ({ items: [model('nano-banana'), model('nano-banana-pro', { cost: 5, mode: 'chat', enabled: false, maxInputImages: 14, sortOrder: 40 })] }))

// The dialog is teleported to the body (a stubbed teleport sends Element Plus's select into a loop).
const dialogTitle = () => document.body.querySelector('.el-dialog__title')?.textContent
const mounted: { unmount: () => void }[] = []
async function mountTab() {
  const wrapper = await mountSuspended(Models)
  mounted.push(wrapper)
  return wrapper
}

describe('admin models tab', () => {
  afterEach(() => mounted.splice(0).forEach(wrapper => wrapper.unmount()))

  it('lists every model, enabled or not, with what runs it; an id opens it for editing, the button a new one', async () => {
    const wrapper = await mountTab()
    await expect.poll(() => wrapper.findAll('.el-table__body tr').length, { timeout: 5000 }).toBe(2)
    const cells = wrapper.findAll('.el-table__body tr')[1]!.findAll('td').map(td => td.text())
    expect(cells).toEqual(['nano-banana-pro', 'NANO-BANANA-PRO', 'up-nano-banana-pro', '5', 'chat', '14', '1:1 16:9', '已停用', '40'])
    const headers = wrapper.findAll('.el-table__header th').map(th => th.text())
    expect(headers).toEqual(['模型 ID', '显示名称', '上游模型名', '价格', '调用方式', '参考图上限', '画幅比例', '启用', '排序'])

    await wrapper.get('[data-testid="model-edit-nano-banana-pro"]').trigger('click')
    await expect.poll(dialogTitle).toBe('编辑模型 nano-banana-pro')
    const form = wrapper.getComponent(ModelForm)
    expect(form.get<HTMLInputElement>('#model-upstream').element.value).toBe('up-nano-banana-pro')
    expect(form.find('#model-id').exists()).toBe(false)
  })

  it('opens an empty form for a new model', async () => {
    const wrapper = await mountTab()
    await wrapper.get('[data-testid="model-add"]').trigger('click')
    await expect.poll(dialogTitle).toBe('添加模型')
    expect(wrapper.getComponent(ModelForm).get<HTMLInputElement>('#model-id').element.value).toBe('')
  })
})
