import type { AdminUser, AdminUserList } from '#shared/types/admin'
import { mountSuspended, registerEndpoint } from '@nuxt/test-utils/runtime'
import { getQuery } from 'h3'
import { describe, expect, it } from 'vitest'
import UsersTable from '~/components/admin/UsersTable.vue'
import { user } from '../../../support/nuxt'

const people: AdminUser[] = ['ann@example.com', 'bob@example.com'].map((email, i) => ({
  ...user({ id: i + 1, email }), disabled: i === 1, creationsCount: i, lastActiveAt: new Date(2026, 0, 2).toISOString(),
}))
const asked: Record<string, unknown>[] = []

registerEndpoint('/api/admin/users', (event): AdminUserList => {
  const query = getQuery(event)
  asked.push(query)
  const items = people.filter(p => p.email.includes(String(query.query ?? '')))
  return { items, total: items.length }
})

describe('admin users table', () => {
  it('lists a page of users with their state, searches once typing pauses, and opens a user', async () => {
    const wrapper = await mountSuspended(UsersTable)
    await expect.poll(() => wrapper.findAll('[data-testid^="admin-user-"][data-testid$="example.com"]').length).toBe(2)
    expect(asked[0]).toEqual({ query: '', page: '1', pageSize: '20', sort: 'createdAt', order: 'desc' })
    const rows = wrapper.findAll('.el-table__body tr')
    expect(rows[0]!.text()).toContain('普通用户')
    expect(rows[1]!.text()).toContain('已停用')

    await wrapper.get('#admin-user-search').setValue('bob')
    expect(asked).toHaveLength(1)
    await expect.poll(() => asked.at(-1)).toEqual({ query: 'bob', page: '1', pageSize: '20', sort: 'createdAt', order: 'desc' })
    await expect.poll(() => wrapper.findAll('.el-table__body tr').length).toBe(1)

    await wrapper.get('[data-testid="admin-user-bob@example.com"]').trigger('click')
    expect(wrapper.emitted('open')).toEqual([[2]])
  })
})
