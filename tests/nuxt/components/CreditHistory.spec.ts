import type { LedgerEntry, LedgerPage } from '#shared/schemas/account'
import { mountSuspended, registerEndpoint } from '@nuxt/test-utils/runtime'
import { getQuery } from 'h3'
import { describe, expect, it } from 'vitest'
import { refreshNuxtData } from '#app'
import CreditHistory from '~/components/CreditHistory.vue'
import { DATA_KEYS } from '~/utils/dataKeys'

// 22 rows, newest first, paged by cursor like the server: 20, then 2.
let ledger: LedgerEntry[] = Array.from({ length: 22 }, (_, i) => ({
  id: 22 - i, delta: i === 21 ? 3 : -1, balanceAfter: 1, reason: i === 21 ? 'signup' : 'generation', createdAt: new Date(2026, 0, 1).toISOString(),
}))

registerEndpoint('/api/users/me/ledger', (event): LedgerPage => {
  const query = getQuery(event)
  const limit = Number(query.limit)
  const below = query.cursor ? ledger.filter(e => e.id < Number(query.cursor)) : ledger
  const items = below.slice(0, limit)
  return { items, nextCursor: below.length > limit ? String(items.at(-1)!.id) : null }
})

describe('credit history', () => {
  it('shows the newest page with translated reasons, adds older pages on request, and starts again on refresh', async () => {
    const wrapper = await mountSuspended(CreditHistory)
    const rows = () => wrapper.findAll('[data-testid="ledger-row"]')
    await expect.poll(() => rows().length).toBe(20)
    expect(rows()[0]!.text()).toMatch(/-1\s*生成图片/)

    await wrapper.get('[data-testid="ledger-more"]').trigger('click')
    await expect.poll(() => rows().length).toBe(22)
    expect(rows()[21]!.text()).toMatch(/\+3\s*注册赠送/)
    expect(wrapper.find('[data-testid="ledger-more"]').exists()).toBe(false)

    ledger = [{ id: 23, delta: 5, balanceAfter: 6, reason: 'redeem', createdAt: new Date(2026, 0, 2).toISOString() }, ...ledger]
    await refreshNuxtData(DATA_KEYS.ledger)
    await expect.poll(() => rows().length).toBe(20)
    expect(rows()[0]!.text()).toMatch(/\+5\s*兑换码充值\s*6/)
    expect(wrapper.find('[data-testid="ledger-more"]').exists()).toBe(true)
  })
})
