import { execute } from '../support/db'
import { expectApiError } from '../support/expect'
import { describe, expect, it } from 'vitest'
import { client, signUp, type TestServer } from '../support/server'
import { withServer } from '../support/fixtures'

let server: TestServer
let api: ReturnType<typeof client>

withServer({}, (started) => {
  server = started
  api = client(server)
})

interface LedgerPage { items: { id: number, delta: number, balanceAfter: number, reason: string, createdAt: string }[], nextCursor: string | null }

/** Writes ledger rows straight into the database, as generations and grants would. */
function addLedgerRows(userId: number, rows: { delta: number, balanceAfter: number, reason: string }[]) {
  for (const row of rows) {
    execute(server.dataDir, 'insert into credit_ledger (user_id, delta, balance_after, reason, created_at) values (?, ?, ?, ?, ?)', userId, row.delta, row.balanceAfter, row.reason, new Date())
  }
}

describe('GET /api/users/me/ledger', () => {
  it('answers 401 UNAUTHORIZED without a valid token', async () => {
    expectApiError(await api.raw('/api/users/me/ledger'), 401, 'UNAUTHORIZED')
    expectApiError(await api.raw('/api/users/me/ledger', { headers: { Authorization: 'Bearer nope' } }), 401, 'UNAUTHORIZED')
  })

  it('shows a new account its signup grant and nothing else', async () => {
    const { api: authed } = await signUp(server)
    const res = await authed.raw<LedgerPage>('/api/users/me/ledger')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const page = res._data!
    expect(page.nextCursor).toBeNull()
    expect(page.items).toHaveLength(1)
    expect(Object.keys(page.items[0]!).sort()).toEqual(['balanceAfter', 'createdAt', 'delta', 'id', 'reason'])
    expect(page.items[0]).toMatchObject({ delta: 3, balanceAfter: 3, reason: 'signup' })
    expect(new Date(page.items[0]!.createdAt).toISOString()).toBe(page.items[0]!.createdAt)
  })

  it('pages through the history newest first with the cursor, without gaps or repeats, and only the caller\'s own rows', async () => {
    const me = await signUp(server)
    const other = await signUp(server)
    addLedgerRows(me.user.id, [
      { delta: -1, balanceAfter: 2, reason: 'generation' },
      { delta: 1, balanceAfter: 3, reason: 'refund' },
      { delta: 10, balanceAfter: 13, reason: 'admin_grant' },
      { delta: 5, balanceAfter: 18, reason: 'redeem' },
    ])
    addLedgerRows(other.user.id, [{ delta: 50, balanceAfter: 53, reason: 'admin_grant' }])

    const seen: LedgerPage['items'] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page: LedgerPage = await me.api<LedgerPage>('/api/users/me/ledger', { query: { limit: 2, ...(cursor ? { cursor } : {}) } })
      expect(page.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.items)
      cursor = page.nextCursor
      pages++
    } while (cursor && pages < 10)

    expect(pages).toBe(3)
    expect(seen.map(r => r.reason)).toEqual(['redeem', 'admin_grant', 'refund', 'generation', 'signup'])
    expect(seen.map(r => r.balanceAfter)).toEqual([18, 13, 3, 2, 3])
    const ids = seen.map(r => r.id)
    expect([...ids].sort((a, b) => b - a)).toEqual(ids)
    expect(new Set(ids).size).toBe(5)
  })

  it('returns no next cursor when the page ends exactly at the last row', async () => {
    const { api: authed, user } = await signUp(server)
    addLedgerRows(user.id, [{ delta: -1, balanceAfter: 2, reason: 'generation' }])
    const page = await authed<LedgerPage>('/api/users/me/ledger', { query: { limit: 2 } })
    expect(page.items).toHaveLength(2)
    expect(page.nextCursor).toBeNull()
  })

  it.each([
    ['limit 0', { limit: '0' }],
    ['limit 101', { limit: '101' }],
    ['limit not a number', { limit: 'ten' }],
    ['limit fractional', { limit: '2.5' }],
    ['cursor not a number', { cursor: 'abc' }],
    ['cursor negative', { cursor: '-3' }],
  ])('rejects %s with 400 VALIDATION_ERROR', async (_name, query) => {
    const { api: authed } = await signUp(server)
    expectApiError(await authed.raw('/api/users/me/ledger', { query }), 400, 'VALIDATION_ERROR')
  })
})

describe('POST /api/users/me/password', () => {
  it('answers 401 UNAUTHORIZED without a valid token', async () => {
    const res = await api.raw('/api/users/me/password', { method: 'POST', body: { currentPassword: 'x', newPassword: 'new-password-1' } })
    expectApiError(res, 401, 'UNAUTHORIZED')
  })

  it('changes the password, returns a working token, and ends every other session', async () => {
    const { email, password, token, api: authed } = await signUp(server)
    // A second session (another browser) signed in before the change.
    const second = await api<{ token: string }>('/api/login', { method: 'POST', body: { email, password } })

    const res = await authed.raw<{ token: string }>('/api/users/me/password', { method: 'POST', body: { currentPassword: password, newPassword: 'brand-new-secret-2' } })
    expect(res.status).toBe(200)
    expect(Object.keys(res._data!)).toEqual(['token'])
    const fresh = res._data!.token
    expect(fresh).not.toBe(token)

    expect((await client(server, fresh).raw('/api/users/me')).status).toBe(200)
    expectApiError(await client(server, token).raw('/api/users/me'), 401, 'UNAUTHORIZED')
    expectApiError(await client(server, second.token).raw('/api/users/me'), 401, 'UNAUTHORIZED')

    expectApiError(await api.raw('/api/login', { method: 'POST', body: { email, password } }), 401, 'INVALID_CREDENTIALS')
    expect((await api.raw('/api/login', { method: 'POST', body: { email, password: 'brand-new-secret-2' } })).status).toBe(200)
  })

  it('answers 401 INVALID_CREDENTIALS for a wrong current password and changes nothing', async () => {
    const { email, password, token, api: authed } = await signUp(server)
    const res = await authed.raw('/api/users/me/password', { method: 'POST', body: { currentPassword: 'not-my-password', newPassword: 'brand-new-secret-2' } })
    expectApiError(res, 401, 'INVALID_CREDENTIALS')
    expect((await client(server, token).raw('/api/users/me')).status).toBe(200)
    expect((await api.raw('/api/login', { method: 'POST', body: { email, password } })).status).toBe(200)
  })

  it.each([
    ['no body fields', {}, 'currentPassword'],
    ['a new password of 7 characters', { currentPassword: 'correct-horse-1', newPassword: '1234567' }, 'newPassword'],
    ['a new password of 129 characters', { currentPassword: 'correct-horse-1', newPassword: 'p'.repeat(129) }, 'newPassword'],
    ['an empty current password', { currentPassword: '', newPassword: 'brand-new-secret-2' }, 'currentPassword'],
    ['a new password that is not a string', { currentPassword: 'correct-horse-1', newPassword: 12345678 }, 'newPassword'],
  ])('rejects %s with 400 VALIDATION_ERROR and field details', async (_name, body, field) => {
    const { token, api: authed } = await signUp(server)
    const res = await authed.raw('/api/users/me/password', { method: 'POST', body })
    const error = expectApiError(res, 400, 'VALIDATION_ERROR') as unknown as { details: { fields: Record<string, string[]> } }
    expect(Object.keys(error.details.fields)).toContain(field)
    expect((await client(server, token).raw('/api/users/me')).status).toBe(200)
  })

  it('answers 429 RATE_LIMITED after ten wrong current passwords, even for the right one', async () => {
    const { password, api: authed } = await signUp(server)
    for (let i = 0; i < 10; i++) {
      const res = await authed.raw('/api/users/me/password', { method: 'POST', body: { currentPassword: `wrong-${i}`, newPassword: 'brand-new-secret-2' } })
      expect(res.status).toBe(401)
    }
    const res = await authed.raw('/api/users/me/password', { method: 'POST', body: { currentPassword: password, newPassword: 'brand-new-secret-2' } })
    expectApiError(res, 429, 'RATE_LIMITED')
  })
})
