import type { AdminUser } from '#shared/types/admin'
import { mountSuspended, registerEndpoint } from '@nuxt/test-utils/runtime'
import { readBody, setResponseStatus } from 'h3'
import { beforeEach, describe, expect, it } from 'vitest'
import CreditAdjustForm from '~/components/admin/CreditAdjustForm.vue'
import { apiError, fieldError, user } from '../../../support/nuxt'

const target: AdminUser = { ...user({ id: 7, email: 'ann@example.com', credits: 3 }), disabled: false, creationsCount: 0, lastActiveAt: new Date(2026, 0, 2).toISOString() }
const sent: unknown[] = []
// The server refuses the reason (as it would one it cannot accept) and says so by the field.
registerEndpoint('/api/admin/add-credits', {
  method: 'POST',
  handler: async (event) => {
    sent.push(await readBody(event))
    setResponseStatus(event, 400)
    return { error: { ...apiError('VALIDATION_ERROR').error, details: { fields: { reason: ['Too small: expected string to have >=1 characters'] } } } }
  },
})

type Wrapper = Awaited<ReturnType<typeof mountSuspended>>

async function submit(wrapper: Wrapper, amount: number, reason: string) {
  const amountInput = wrapper.get('#admin-grant-amount')
  await amountInput.setValue(String(amount))
  await amountInput.trigger('change')
  await wrapper.get('#admin-grant-reason').setValue(reason)
  await wrapper.get('form').trigger('submit')
}

const confirmBox = () => document.body.querySelector('.el-message-box')

describe('admin credit adjustment', () => {
  beforeEach(() => {
    sent.length = 0
    document.body.querySelectorAll('.el-overlay').forEach(overlay => overlay.remove())
  })

  it('refuses a deduction beyond the balance shown, under the amount, without asking to confirm', async () => {
    const wrapper = await mountSuspended(CreditAdjustForm, { props: { user: target } })
    await submit(wrapper, -5, '测试扣除')
    await expect.poll(() => fieldError(wrapper, 'admin-grant-amount')?.text()).toBe('扣除后积分会小于 0：该用户当前只有 3 积分。')
    expect(confirmBox()).toBeNull()
    expect(sent).toEqual([])
  })

  it('requires a reason, says so before anything is sent, and says why it is needed', async () => {
    const wrapper = await mountSuspended(CreditAdjustForm, { props: { user: target } })
    expect(wrapper.get('#admin-grant-reason-hint').text()).toContain('每次发放或扣除都要写明原因')
    await submit(wrapper, 2, '   ')
    await expect.poll(() => fieldError(wrapper, 'admin-grant-reason')?.text()).toBe('此项为必填')
    expect(confirmBox()).toBeNull()
    expect(sent).toEqual([])
  })

  it('shows the server\'s refusal of the reason under the reason field', async () => {
    const wrapper = await mountSuspended(CreditAdjustForm, { props: { user: target } })
    await submit(wrapper, 2, '活动奖励')
    await expect.poll(confirmBox).not.toBeNull()
    confirmBox()!.querySelector<HTMLButtonElement>('.el-button--primary')!.click()
    await expect.poll(() => sent.length).toBe(1)
    expect(sent[0]).toEqual({ userId: 7, amount: 2, reason: '活动奖励' })
    await expect.poll(() => fieldError(wrapper, 'admin-grant-reason')?.text()).toBe('格式不正确')
    expect(wrapper.emitted('changed')).toBeUndefined()
  })
})
