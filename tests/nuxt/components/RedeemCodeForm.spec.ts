import type { RedeemResult } from '#shared/types/admin'
import { mountSuspended, registerEndpoint } from '@nuxt/test-utils/runtime'
import { readBody, setResponseStatus } from 'h3'
import { describe, expect, it } from 'vitest'
import RedeemCodeForm from '~/components/RedeemCodeForm.vue'
import { useUserStore } from '~/stores/user'
import { apiError, user } from '../../support/nuxt'

const sent: unknown[] = []
registerEndpoint('/api/credits/redeem', {
  method: 'POST',
  handler: async (event): Promise<RedeemResult | ReturnType<typeof apiError>> => {
    const body = await readBody<{ code: string }>(event)
    sent.push(body)
    if (body.code !== 'NB-GOOD') {
      setResponseStatus(event, 404)
      return apiError('NOT_FOUND')
    }
    return { credits: 5, user: user({ credits: 8 }) }
  },
})

describe('redeem code form', () => {
  it('asks for a code before sending, says plainly that an unknown code does not exist, and adds a good one to the balance', async () => {
    useUserStore().user = user({ credits: 3 })
    const wrapper = await mountSuspended(RedeemCodeForm)
    const submit = () => wrapper.get('form').trigger('submit')

    await submit()
    expect(wrapper.get('[data-testid="redeem-error"]').text()).toBe('请输入兑换码。')
    expect(sent).toEqual([])

    await wrapper.get('#redeem-code').setValue('NB-BAD')
    await submit()
    await expect.poll(() => wrapper.find('[data-testid="redeem-error"]').text()).toBe('兑换码不存在，请检查是否输入正确。')

    await wrapper.get('#redeem-code').setValue('  NB-GOOD ')
    await submit()
    await expect.poll(() => wrapper.find('[data-testid="redeem-ok"]').exists()).toBe(true)
    expect(wrapper.get('[data-testid="redeem-ok"]').text()).toContain('获得 5 积分')
    expect(wrapper.find('[data-testid="redeem-error"]').exists()).toBe(false)
    expect(sent.at(-1)).toEqual({ code: 'NB-GOOD' })
    expect(useUserStore().credits).toBe(8)
    expect(wrapper.emitted('redeemed')).toEqual([[5]])
    expect(wrapper.get<HTMLInputElement>('#redeem-code').element.value).toBe('')
  })
})
