import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CreationRow, RedeemCodeRow } from '../../server/db/schema'
import { openServerDatabase, type ServerDatabase } from '../support/db'
import type { AdminStats, AdminUser, AdminUserDetail, AdminUserList, RedeemCode, RedeemCodeList } from '../../shared/types/admin'
import { expectApiError } from '../support/expect'
import { client, signUp, startServer, uniqueEmail, type TestServer } from '../support/server'

const ADMIN_EMAIL = 'root@example.com'
const ADMIN_PASSWORD = 'admin-password-1'
const HOUR = 3600_000
const DAY = 24 * HOUR

interface Fixture { server: TestServer, db: ServerDatabase, admin: ReturnType<typeof client>, adminId: number }

async function startWithAdmin(): Promise<Fixture> {
  const server = await startServer({ env: { NUXT_ADMIN_EMAIL: ADMIN_EMAIL, NUXT_ADMIN_PASSWORD: ADMIN_PASSWORD } })
  const login = await client(server).raw<{ token: string, user: { id: number } }>('/api/login', { method: 'POST', body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })
  expect(login.status).toBe(200)
  // The test writes rows into the server's own database, as if they had been there for a while.
  const db = await openServerDatabase(server.dataDir)
  return { server, db, admin: client(server, login._data!.token), adminId: login._data!.user.id }
}

let f: Fixture
beforeAll(async () => {
  f = await startWithAdmin()
})
afterAll(async () => {
  await f?.db.close()
  await f?.server.stop()
})

async function balanceOf(token: string) {
  const me = await client(f.server, token)<{ credits: number }>('/api/users/me')
  return me.credits
}

async function detail(id: number) {
  return f.admin<AdminUserDetail>(`/api/admin/users/${id}`)
}

describe('permissions', () => {
  const routes: [string, string, object?][] = [
    ['GET', '/api/admin/users'],
    ['GET', '/api/admin/users/1'],
    ['PATCH', '/api/admin/users/1', { role: 'admin' }],
    ['POST', '/api/admin/add-credits', { userId: 1, amount: 5, reason: 'test' }],
    ['GET', '/api/admin/stats'],
    ['GET', '/api/admin/codes'],
    ['POST', '/api/admin/codes', { credits: 5, count: 1 }],
  ]

  it.each(routes)('%s %s: 401 UNAUTHORIZED without a token, 403 FORBIDDEN with a user\'s token, even with a bad body', async (method, path, body) => {
    const user = await signUp(f.server)
    const anonymous = await client(f.server).raw(path, { method, body })
    expectApiError(anonymous, 401, 'UNAUTHORIZED')
    const forged = await client(f.server, 'not-a-jwt').raw(path, { method, body })
    expectApiError(forged, 401, 'UNAUTHORIZED')
    const forbidden = await user.api.raw(path, { method, body })
    expectApiError(forbidden, 403, 'FORBIDDEN')
    if (body) expectApiError(await user.api.raw(path, { method, body: { nonsense: true } }), 403, 'FORBIDDEN')
  })

  it('the user\'s forbidden attempts changed nothing: no grant, no role change', async () => {
    const user = await signUp(f.server)
    await user.api.raw('/api/admin/add-credits', { method: 'POST', body: { userId: user.user.id, amount: 500, reason: 'test' } })
    await user.api.raw(`/api/admin/users/${user.user.id}`, { method: 'PATCH', body: { role: 'admin' } })
    const { user: after, ledger } = await detail(user.user.id)
    expect(after).toMatchObject({ credits: 3, role: 'user' })
    expect(ledger).toHaveLength(1)
  })

  it('POST /api/credits/redeem needs a signed-in user', async () => {
    expectApiError(await client(f.server).raw('/api/credits/redeem', { method: 'POST', body: { code: 'NB-2222-2222-2222-2222' } }), 401, 'UNAUTHORIZED')
  })
})

describe('POST /api/admin/add-credits', () => {
  it('needs a reason for every grant and deduction: 400 without one, nothing changed', async () => {
    const user = await signUp(f.server)
    for (const reason of [undefined, '', '   ']) {
      const res = await f.admin.raw('/api/admin/add-credits', { method: 'POST', body: { userId: user.user.id, amount: 5, ...(reason === undefined ? {} : { reason }) } })
      const error = expectApiError(res, 400, 'VALIDATION_ERROR') as unknown as { details: { fields: Record<string, string[]> } }
      expect(Object.keys(error.details.fields)).toEqual(['reason'])
    }
    expect(await balanceOf(user.token)).toBe(3)
  })

  it('grants by user id and by email, returns the user and writes a ledger row naming the admin and the reason', async () => {
    const user = await signUp(f.server)
    const byId = await f.admin.raw('/api/admin/add-credits', { method: 'POST', body: { userId: user.user.id, amount: 10, reason: '  活动奖励  ' } })
    expect(byId.status).toBe(200)
    expect(byId._data).toEqual({ user: { id: user.user.id, email: user.email, credits: 13, role: 'user', createdAt: expect.any(String) } })
    const byEmail = await f.admin.raw('/api/admin/add-credits', { method: 'POST', body: { email: user.email.toUpperCase(), amount: -4, reason: 'test' } })
    expect(byEmail.status).toBe(200)
    expect((byEmail._data as { user: { credits: number } }).user.credits).toBe(9)
    expect(await balanceOf(user.token)).toBe(9)

    const { ledger } = await detail(user.user.id)
    expect(ledger.map(r => [r.delta, r.balanceAfter, r.reason, r.actorId, r.actorEmail, r.note])).toEqual([
      [-4, 9, 'admin_grant', f.adminId, ADMIN_EMAIL, 'test'],
      [10, 13, 'admin_grant', f.adminId, ADMIN_EMAIL, '活动奖励'],
      [3, 3, 'signup', null, null, null],
    ])
  })

  it('deducts down to exactly zero, and refuses a deduction below zero with 400 changing nothing', async () => {
    const user = await signUp(f.server)
    const tooMuch = await f.admin.raw('/api/admin/add-credits', { method: 'POST', body: { userId: user.user.id, amount: -4, reason: 'test' } })
    const error = expectApiError(tooMuch, 400, 'VALIDATION_ERROR') as unknown as { details: { fields: Record<string, string[]> } }
    expect(Object.keys(error.details.fields)).toEqual(['amount'])
    expect(await balanceOf(user.token)).toBe(3)
    expect((await detail(user.user.id)).ledger).toHaveLength(1)

    const exact = await f.admin.raw('/api/admin/add-credits', { method: 'POST', body: { userId: user.user.id, amount: -3, reason: 'test' } })
    expect(exact.status).toBe(200)
    expect(await balanceOf(user.token)).toBe(0)
  })

  it('answers 404 NOT_FOUND for an unknown user id or email', async () => {
    expectApiError(await f.admin.raw('/api/admin/add-credits', { method: 'POST', body: { userId: 987_654, amount: 5, reason: 'test' } }), 404, 'NOT_FOUND')
    expectApiError(await f.admin.raw('/api/admin/add-credits', { method: 'POST', body: { email: uniqueEmail('ghost'), amount: 5, reason: 'test' } }), 404, 'NOT_FOUND')
  })

  it.each([
    ['both userId and email', (id: number, email: string) => ({ userId: id, email, amount: 5, reason: 'test' }), 'userId'],
    ['neither userId nor email', () => ({ amount: 5, reason: 'test' }), 'userId'],
    ['amount 0', (id: number) => ({ userId: id, amount: 0, reason: 'test' }), 'amount'],
    ['a fractional amount', (id: number) => ({ userId: id, amount: 1.5 }), 'amount'],
    ['amount 100001', (id: number) => ({ userId: id, amount: 100_001, reason: 'test' }), 'amount'],
    ['amount -100001', (id: number) => ({ userId: id, amount: -100_001, reason: 'test' }), 'amount'],
    ['amount as a string', (id: number) => ({ userId: id, amount: '5' }), 'amount'],
    ['a missing amount', (id: number) => ({ userId: id }), 'amount'],
    ['a reason of 201 characters', (id: number) => ({ userId: id, amount: 5, reason: 'r'.repeat(201) }), 'reason'],
    ['userId as a string', (id: number) => ({ userId: String(id), amount: 5, reason: 'test' }), 'userId'],
    ['a negative userId', () => ({ userId: -1, amount: 5, reason: 'test' }), 'userId'],
  ])('rejects %s with 400 VALIDATION_ERROR and changes nothing', async (_name, body, field) => {
    const user = await signUp(f.server)
    const res = await f.admin.raw('/api/admin/add-credits', { method: 'POST', body: body(user.user.id, user.email) })
    const error = expectApiError(res, 400, 'VALIDATION_ERROR') as unknown as { details: { fields: Record<string, string[]> } }
    expect(Object.keys(error.details.fields)).toContain(field)
    expect(await balanceOf(user.token)).toBe(3)
    expect((await detail(user.user.id)).ledger).toHaveLength(1)
  })

  it('accepts the bounds 100000 and -100000 and a reason of 200 characters', async () => {
    const user = await signUp(f.server)
    const up = await f.admin.raw('/api/admin/add-credits', { method: 'POST', body: { userId: user.user.id, amount: 100_000, reason: 'r'.repeat(200) } })
    expect(up.status).toBe(200)
    const down = await f.admin.raw('/api/admin/add-credits', { method: 'POST', body: { userId: user.user.id, amount: -100_000, reason: 'test' } })
    expect(down.status).toBe(200)
    expect(await balanceOf(user.token)).toBe(3)
  })

  it('adds exactly 30 for 30 parallel +1 grants, one ledger row each', async () => {
    const user = await signUp(f.server)
    const results = await Promise.all(Array.from({ length: 30 }, () =>
      f.admin.raw('/api/admin/add-credits', { method: 'POST', body: { userId: user.user.id, amount: 1, reason: 'parallel' } })))
    expect(results.map(r => r.status)).toEqual(Array.from({ length: 30 }, () => 200))
    expect(await balanceOf(user.token)).toBe(33)
    const { ledger } = await detail(user.user.id)
    const grants = ledger.filter(r => r.note === 'parallel')
    expect(grants).toHaveLength(30)
    expect(grants.map(r => r.balanceAfter).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => 4 + i))
  })

  it('deducts exactly what is there when 10 parallel -1 deductions meet a balance of 3', async () => {
    const user = await signUp(f.server)
    const results = await Promise.all(Array.from({ length: 10 }, () =>
      f.admin.raw('/api/admin/add-credits', { method: 'POST', body: { userId: user.user.id, amount: -1, reason: 'test' } })))
    expect(results.filter(r => r.status === 200)).toHaveLength(3)
    expect(results.filter(r => r.status === 400)).toHaveLength(7)
    expect(await balanceOf(user.token)).toBe(0)
  })
})

describe('GET /api/admin/users', () => {
  it('lists users with creations count and last activity, never a password hash', async () => {
    const user = await signUp(f.server)
    const later = new Date(Date.now() + HOUR)
    await f.db.write((tx, { creations }) => tx.insert(creations).values([
      { userId: user.user.id, prompt: 'a cat', imageUrl: '/images/a.png', thumbnailUrl: '/images/a.thumb.webp', modelUsed: 'nano-banana', size: '1:1', width: 1024, height: 1024 },
      { userId: user.user.id, prompt: 'a dog', imageUrl: '/images/b.png', thumbnailUrl: '/images/b.thumb.webp', modelUsed: 'nano-banana', size: '1:1', createdAt: later },
    ]))
    const res = await f.admin.raw<AdminUserList>('/api/admin/users', { query: { query: user.email } })
    expect(res.status).toBe(200)
    expect(res._data!.total).toBe(1)
    const item = res._data!.items[0]!
    expect(Object.keys(item).sort()).toEqual(['createdAt', 'creationsCount', 'credits', 'disabled', 'email', 'id', 'lastActiveAt', 'role'])
    expect(item).toMatchObject({ id: user.user.id, email: user.email, credits: 3, role: 'user', disabled: false, creationsCount: 2, lastActiveAt: later.toISOString() })
    expect(JSON.stringify(res._data)).not.toMatch(/hash|password|tokenVersion/i)
  })

  it('takes last activity from the ledger when there are no creations', async () => {
    const user = await signUp(f.server)
    await f.admin('/api/admin/add-credits', { method: 'POST', body: { userId: user.user.id, amount: 1, reason: 'test' } })
    const { user: shown, ledger } = await detail(user.user.id)
    expect(shown.lastActiveAt).toBe(ledger[0]!.createdAt)
    expect(shown.creationsCount).toBe(0)
  })

  it('matches the email case-insensitively and treats % and _ literally', async () => {
    const tag = `like${Date.now()}`
    await signUp(f.server, `${tag}_1@example.com`)
    await signUp(f.server, `${tag}x1@example.com`)
    const search = (query: string) => f.admin<AdminUserList>('/api/admin/users', { query: { query } })
    expect((await search(tag.toUpperCase())).total).toBe(2)
    expect((await search(`${tag}_1`)).items.map(u => u.email)).toEqual([`${tag}_1@example.com`])
    expect((await search(`${tag}%1`)).total).toBe(0)
    expect((await search('no-such-user-anywhere')).items).toEqual([])
  })

  it('pages and sorts', async () => {
    const tag = `page${Date.now()}`
    const made: { id: number, email: string }[] = []
    for (const n of [5, 1, 9]) {
      const user = await signUp(f.server, `${tag}-${n}@example.com`)
      await f.admin('/api/admin/add-credits', { method: 'POST', body: { userId: user.user.id, amount: n, reason: 'test' } })
      made.push({ id: user.user.id, email: user.email })
    }
    const list = (query: Record<string, string | number>) => f.admin<AdminUserList>('/api/admin/users', { query: { query: tag, ...query } })
    expect((await list({ sort: 'credits', order: 'asc' })).items.map(u => u.credits)).toEqual([4, 8, 12])
    expect((await list({ sort: 'credits', order: 'desc' })).items.map(u => u.credits)).toEqual([12, 8, 4])
    expect((await list({ sort: 'email', order: 'asc' })).items.map(u => u.email)).toEqual([`${tag}-1@example.com`, `${tag}-5@example.com`, `${tag}-9@example.com`])
    // Newest first by default.
    expect((await list({})).items.map(u => u.id)).toEqual(made.map(u => u.id).reverse())
    expect((await list({ sort: 'lastActiveAt', order: 'desc' })).items[0]!.id).toBe(made[2]!.id)
    const second = await list({ sort: 'credits', order: 'asc', page: 2, pageSize: 2 })
    expect(second.total).toBe(3)
    expect(second.items.map(u => u.credits)).toEqual([12])
    expect((await list({ page: 3, pageSize: 2 })).items).toEqual([])
  })

  it.each([
    ['page=0', { page: '0' }, 'page'],
    ['page=abc', { page: 'abc' }, 'page'],
    ['pageSize=0', { pageSize: '0' }, 'pageSize'],
    ['pageSize=101', { pageSize: '101' }, 'pageSize'],
    ['pageSize=1.5', { pageSize: '1.5' }, 'pageSize'],
    ['sort=password', { sort: 'password' }, 'sort'],
    ['order=up', { order: 'up' }, 'order'],
  ])('rejects %s with 400 VALIDATION_ERROR', async (_name, query, field) => {
    const error = expectApiError(await f.admin.raw('/api/admin/users', { query }), 400, 'VALIDATION_ERROR') as unknown as { details: { fields: Record<string, string[]> } }
    expect(Object.keys(error.details.fields)).toContain(field)
  })
})

describe('GET /api/admin/users/:id', () => {
  it('returns the user, the recent ledger newest first and recent creations as Creation JSON', async () => {
    const user = await signUp(f.server)
    await f.admin('/api/admin/add-credits', { method: 'POST', body: { userId: user.user.id, amount: 2, reason: 'welcome' } })
    const [created] = await f.db.write((tx, { creations }) => tx.insert(creations).values({
      userId: user.user.id, prompt: 'a banana', imageUrl: '/images/x.png', thumbnailUrl: '/images/x.thumb.webp',
      modelUsed: 'nano-banana', size: '16:9', kind: 'image-to-image', width: 1344, height: 768,
    }).returning()) as [CreationRow]
    const res = await f.admin.raw<AdminUserDetail>(`/api/admin/users/${user.user.id}`)
    expect(res.status).toBe(200)
    const body = res._data!
    expect(body.user).toMatchObject({ id: user.user.id, credits: 5, creationsCount: 1 })
    expect(body.ledger.map(r => [r.delta, r.reason, r.note])).toEqual([[2, 'admin_grant', 'welcome'], [3, 'signup', null]])
    expect(body.creations).toEqual([{
      id: created.id, userId: user.user.id, prompt: 'a banana', imageUrl: '/images/x.png', thumbnailUrl: '/images/x.thumb.webp',
      modelUsed: 'nano-banana', size: '16:9', kind: 'image-to-image', width: 1344, height: 768, favorite: false, createdAt: created.createdAt.toISOString(),
    }])
    expect(JSON.stringify(body)).not.toMatch(/hash|password/i)
  })

  it('answers 404 for an unknown id and 400 for an id that is not a positive integer', async () => {
    expectApiError(await f.admin.raw('/api/admin/users/987654'), 404, 'NOT_FOUND')
    for (const id of ['abc', '0', '1.5', '-2']) expectApiError(await f.admin.raw(`/api/admin/users/${id}`), 400, 'VALIDATION_ERROR')
  })
})

describe('PATCH /api/admin/users/:id', () => {
  it('disables a user: their token stops working, they cannot sign in, nothing of theirs is deleted; enabling lets them sign in again', async () => {
    const user = await signUp(f.server)
    await f.admin('/api/admin/add-credits', { method: 'POST', body: { userId: user.user.id, amount: 7, reason: 'test' } })
    const res = await f.admin.raw<{ user: AdminUser }>(`/api/admin/users/${user.user.id}`, { method: 'PATCH', body: { disabled: true } })
    expect(res.status).toBe(200)
    expect(res._data!.user).toMatchObject({ id: user.user.id, disabled: true, credits: 10 })

    expectApiError(await user.api.raw('/api/users/me'), 401, 'UNAUTHORIZED')
    expectApiError(await client(f.server).raw('/api/login', { method: 'POST', body: { email: user.email, password: user.password } }), 401, 'INVALID_CREDENTIALS')
    const kept = await detail(user.user.id)
    expect(kept.user).toMatchObject({ credits: 10, disabled: true })
    expect(kept.ledger).toHaveLength(2)

    await f.admin(`/api/admin/users/${user.user.id}`, { method: 'PATCH', body: { disabled: false } })
    // The token from before the disable stays dead; a new sign-in works.
    expectApiError(await user.api.raw('/api/users/me'), 401, 'UNAUTHORIZED')
    const login = await client(f.server).raw<{ token: string }>('/api/login', { method: 'POST', body: { email: user.email, password: user.password } })
    expect(login.status).toBe(200)
    expect(await balanceOf(login._data!.token)).toBe(10)
  })

  it('promotes a user to admin and demotes them again, checked on the next request', async () => {
    const user = await signUp(f.server)
    await f.admin(`/api/admin/users/${user.user.id}`, { method: 'PATCH', body: { role: 'admin' } })
    expect((await user.api.raw('/api/admin/stats')).status).toBe(200)
    await f.admin(`/api/admin/users/${user.user.id}`, { method: 'PATCH', body: { role: 'user' } })
    expectApiError(await user.api.raw('/api/admin/stats'), 403, 'FORBIDDEN')
  })

  it('refuses with 403 FORBIDDEN an admin demoting or disabling themselves, and they stay an admin', async () => {
    expectApiError(await f.admin.raw(`/api/admin/users/${f.adminId}`, { method: 'PATCH', body: { role: 'user' } }), 403, 'FORBIDDEN')
    expectApiError(await f.admin.raw(`/api/admin/users/${f.adminId}`, { method: 'PATCH', body: { disabled: true } }), 403, 'FORBIDDEN')
    const self = await detail(f.adminId)
    expect(self.user).toMatchObject({ role: 'admin', disabled: false })
    // Confirming one's own role is harmless.
    expect((await f.admin.raw(`/api/admin/users/${f.adminId}`, { method: 'PATCH', body: { role: 'admin', disabled: false } })).status).toBe(200)
  })

  it.each([
    ['an empty body', {}, 'role'],
    ['role root', { role: 'root' }, 'role'],
    ['disabled as a string', { disabled: 'yes' }, 'disabled'],
  ])('rejects %s with 400 VALIDATION_ERROR and changes nothing', async (_name, body, field) => {
    const user = await signUp(f.server)
    const error = expectApiError(await f.admin.raw(`/api/admin/users/${user.user.id}`, { method: 'PATCH', body }), 400, 'VALIDATION_ERROR') as unknown as { details: { fields: Record<string, string[]> } }
    expect(Object.keys(error.details.fields)).toContain(field)
    expect((await detail(user.user.id)).user).toMatchObject({ role: 'user', disabled: false })
  })

  it('answers 404 for an unknown user', async () => {
    expectApiError(await f.admin.raw('/api/admin/users/987654', { method: 'PATCH', body: { disabled: true } }), 404, 'NOT_FOUND')
  })
})

describe('GET /api/admin/stats', () => {
  it('counts users, generations, credits, the upstream error rate and the median latency from the tables', async () => {
    const s = await startWithAdmin()
    try {
      const now = Date.now()
      const u1 = await signUp(s.server)
      await signUp(s.server)
      await s.db.write((tx, { users }) => tx.insert(users).values({ email: 'old@example.com', passwordHash: 'x', createdAt: new Date(now - 10 * DAY) }))
      await s.admin('/api/admin/add-credits', { method: 'POST', body: { userId: u1.user.id, amount: 10, reason: 'test' } })
      await s.admin('/api/admin/add-credits', { method: 'POST', body: { userId: u1.user.id, amount: -2, reason: 'test' } })
      const at = (ms: number) => new Date(ms)
      const job = { userId: u1.user.id, kind: 'text-to-image' as const, model: 'nano-banana', size: '1:1', cost: 1, provider: 'demo' }
      await s.db.write((tx, { generationJobs }) => tx.insert(generationJobs).values([
        { ...job, status: 'succeeded', latencyMs: 100, createdAt: at(now) },
        { ...job, status: 'succeeded', latencyMs: 300, createdAt: at(now) },
        { ...job, status: 'succeeded', latencyMs: 200, createdAt: at(now) },
        { ...job, status: 'failed', errorCode: 'UPSTREAM_TIMEOUT', latencyMs: 120_000, createdAt: at(now) },
        { ...job, status: 'failed', errorCode: 'INTERNAL_ERROR', createdAt: at(now) },
        { ...job, status: 'queued', createdAt: at(now) },
        { ...job, status: 'running', createdAt: at(now) },
        { ...job, status: 'succeeded', latencyMs: 9999, createdAt: at(now - 3 * DAY) },
        { ...job, status: 'failed', errorCode: 'UPSTREAM_ERROR', createdAt: at(now - 3 * DAY) },
        { ...job, status: 'succeeded', latencyMs: 5, createdAt: at(now - 10 * DAY) },
      ]))
      const entry = { userId: u1.user.id, balanceAfter: 0 }
      await s.db.write((tx, { creditLedger }) => tx.insert(creditLedger).values([
        { ...entry, delta: -1, reason: 'generation' },
        { ...entry, delta: -1, reason: 'generation' },
        { ...entry, delta: -1, reason: 'generation' },
        { ...entry, delta: 1, reason: 'refund' },
        { ...entry, delta: 100, reason: 'admin_grant', createdAt: at(now - 10 * DAY) },
        { ...entry, delta: -7, reason: 'generation', createdAt: at(now - 10 * DAY) },
      ]))

      const res = await s.admin.raw<AdminStats>('/api/admin/stats')
      expect(res.status).toBe(200)
      expect(res._data).toEqual({
        users: { total: 4, newLast7Days: 3 },
        generations: { today: 7, last7Days: 9, byOutcome: { succeeded: 4, failed: 3, pending: 2 } },
        // Granted: three signups of 3 and +10 (the -2 deduction is not a grant), plus +100 ten days ago.
        credits: { allTime: { granted: 119, spent: 9 }, last7Days: { granted: 19, spent: 2 } },
        upstream: { finished: 5, upstreamErrors: 1, errorRate: 0.2, medianLatencyMs: 200 },
      })
    }
    finally {
      await s.db.close()
      await s.server.stop()
    }
  })

  it('reports no rate and no median when nothing finished in 24 hours', async () => {
    const s = await startWithAdmin()
    try {
      const stats = await s.admin<AdminStats>('/api/admin/stats')
      expect(stats.upstream).toEqual({ finished: 0, upstreamErrors: 0, errorRate: null, medianLatencyMs: null })
      expect(stats.users).toEqual({ total: 1, newLast7Days: 1 })
    }
    finally {
      await s.db.close()
      await s.server.stop()
    }
  })
})

const CODE_FORMAT = /^NB(-[2-9A-HJ-NP-Z]{4}){4}$/

async function createCodes(body: object) {
  const res = await f.admin.raw<{ codes: RedeemCode[] }>('/api/admin/codes', { method: 'POST', body })
  expect(res.status, JSON.stringify(res._data)).toBe(201)
  return res._data!.codes
}

async function listCodes() {
  return f.admin<RedeemCodeList>('/api/admin/codes', { query: { pageSize: 100 } })
}

describe('redeem codes', () => {
  it('creates random codes in the NB-XXXX-XXXX-XXXX-XXXX format and lists them with their uses', async () => {
    const expiresAt = new Date(Date.now() + 7 * DAY).toISOString()
    const codes = await createCodes({ credits: 5, count: 3, expiresAt, maxUses: 2 })
    expect(codes).toHaveLength(3)
    expect(new Set(codes.map(c => c.code)).size).toBe(3)
    for (const code of codes) {
      expect(code.code).toMatch(CODE_FORMAT)
      expect(code).toMatchObject({ credits: 5, maxUses: 2, uses: 0, expiresAt, state: 'active', createdBy: f.adminId })
    }
    const defaults = await createCodes({ credits: 1, count: 1 })
    expect(defaults[0]).toMatchObject({ maxUses: 1, expiresAt: null })
    const list = await listCodes()
    expect(list.items.slice(0, 4).map(c => c.id)).toEqual([defaults[0]!.id, ...codes.map(c => c.id).reverse()])
  })

  it.each([
    ['credits 0', { credits: 0, count: 1 }, 'credits'],
    ['credits 100001', { credits: 100_001, count: 1 }, 'credits'],
    ['count 0', { credits: 5, count: 0 }, 'count'],
    ['count 101', { credits: 5, count: 101 }, 'count'],
    ['maxUses 0', { credits: 5, count: 1, maxUses: 0 }, 'maxUses'],
    ['an expiry in the past', { credits: 5, count: 1, expiresAt: new Date(Date.now() - HOUR).toISOString() }, 'expiresAt'],
    ['an expiry that is not a date', { credits: 5, count: 1, expiresAt: 'tomorrow' }, 'expiresAt'],
  ])('refuses %s with 400 VALIDATION_ERROR and creates nothing', async (_name, body, field) => {
    const before = (await listCodes()).total
    const error = expectApiError(await f.admin.raw('/api/admin/codes', { method: 'POST', body }), 400, 'VALIDATION_ERROR') as unknown as { details: { fields: Record<string, string[]> } }
    expect(Object.keys(error.details.fields)).toContain(field)
    expect((await listCodes()).total).toBe(before)
  })

  it('adds the credits once per user, whatever the case, spaces or dashes of the code, with a redeem ledger row', async () => {
    const [code] = await createCodes({ credits: 5, count: 1, maxUses: 3 })
    const user = await signUp(f.server)
    const typed = code!.code.toLowerCase().replaceAll('-', ' ').replace(/^nb /, '')
    const res = await user.api.raw('/api/credits/redeem', { method: 'POST', body: { code: ` ${typed} ` } })
    expect(res.status).toBe(200)
    expect(res._data).toEqual({ credits: 5, user: { id: user.user.id, email: user.email, credits: 8, role: 'user', createdAt: expect.any(String) } })
    expect(await balanceOf(user.token)).toBe(8)

    const again = await user.api.raw('/api/credits/redeem', { method: 'POST', body: { code: code!.code } })
    expectApiError(again, 409, 'CODE_ALREADY_REDEEMED')
    expect(await balanceOf(user.token)).toBe(8)

    const { ledger } = await detail(user.user.id)
    expect(ledger.map(r => [r.delta, r.reason, r.reference])).toEqual([[5, 'redeem', `code:${code!.id}`], [3, 'signup', null]])
    expect((await listCodes()).items.find(c => c.id === code!.id)).toMatchObject({ uses: 1, state: 'active' })
  })

  it('answers 409 CODE_USED_UP once every use is taken', async () => {
    const [code] = await createCodes({ credits: 2, count: 1 })
    const first = await signUp(f.server)
    const second = await signUp(f.server)
    expect((await first.api.raw('/api/credits/redeem', { method: 'POST', body: { code: code!.code } })).status).toBe(200)
    expectApiError(await second.api.raw('/api/credits/redeem', { method: 'POST', body: { code: code!.code } }), 409, 'CODE_USED_UP')
    expect(await balanceOf(second.token)).toBe(3)
    expect((await listCodes()).items.find(c => c.id === code!.id)).toMatchObject({ uses: 1, state: 'used_up' })
  })

  it('answers 410 CODE_EXPIRED for an expired code and 404 NOT_FOUND for an unknown one, adding nothing', async () => {
    const [expired] = await f.db.write((tx, { redeemCodes }) => tx.insert(redeemCodes).values({ code: 'NB-2345-6789-ABCD-EFGH', credits: 9, expiresAt: new Date(Date.now() - 1000) }).returning()) as [RedeemCodeRow]
    const user = await signUp(f.server)
    expectApiError(await user.api.raw('/api/credits/redeem', { method: 'POST', body: { code: expired.code } }), 410, 'CODE_EXPIRED')
    expectApiError(await user.api.raw('/api/credits/redeem', { method: 'POST', body: { code: 'NB-2222-3333-4444-5555' } }), 404, 'NOT_FOUND')
    expectApiError(await user.api.raw('/api/credits/redeem', { method: 'POST', body: { code: 'hello' } }), 404, 'NOT_FOUND')
    expect(await balanceOf(user.token)).toBe(3)
    expect((await listCodes()).items.find(c => c.id === expired.id)).toMatchObject({ uses: 0, state: 'expired' })
  })

  it.each([
    ['a missing code', {}],
    ['an empty code', { code: '   ' }],
    ['a code of 65 characters', { code: 'A'.repeat(65) }],
    ['a code that is a number', { code: 1234 }],
  ])('rejects %s with 400 VALIDATION_ERROR', async (_name, body) => {
    const user = await signUp(f.server)
    expectApiError(await user.api.raw('/api/credits/redeem', { method: 'POST', body }), 400, 'VALIDATION_ERROR')
  })

  it('lets exactly one of many users redeem a single-use code at the same moment', async () => {
    const [code] = await createCodes({ credits: 4, count: 1 })
    const people = await Promise.all(Array.from({ length: 8 }, () => signUp(f.server)))
    const results = await Promise.all(people.map(p => p.api.raw('/api/credits/redeem', { method: 'POST', body: { code: code!.code } })))
    expect(results.filter(r => r.status === 200)).toHaveLength(1)
    for (const r of results.filter(r => r.status !== 200)) expectApiError(r, 409, 'CODE_USED_UP')
    const balances = await Promise.all(people.map(p => balanceOf(p.token)))
    expect(balances.sort()).toEqual([3, 3, 3, 3, 3, 3, 3, 7])
    expect((await listCodes()).items.find(c => c.id === code!.id)!.uses).toBe(1)
  })

  it('counts one use per user when the same user redeems in parallel', async () => {
    const [code] = await createCodes({ credits: 4, count: 1, maxUses: 5 })
    const user = await signUp(f.server)
    const results = await Promise.all(Array.from({ length: 5 }, () => user.api.raw('/api/credits/redeem', { method: 'POST', body: { code: code!.code } })))
    expect(results.filter(r => r.status === 200)).toHaveLength(1)
    expect(await balanceOf(user.token)).toBe(7)
    expect((await listCodes()).items.find(c => c.id === code!.id)!.uses).toBe(1)
  })

  it('blocks a user with 429 RATE_LIMITED after 10 failed attempts, even for a valid code', async () => {
    const [code] = await createCodes({ credits: 5, count: 1 })
    const guesser = await signUp(f.server)
    for (let i = 0; i < 10; i++) {
      expectApiError(await guesser.api.raw('/api/credits/redeem', { method: 'POST', body: { code: `NB-2222-2222-2222-${String(2222 + i).replace(/[01]/g, '9')}` } }), 404, 'NOT_FOUND')
    }
    expectApiError(await guesser.api.raw('/api/credits/redeem', { method: 'POST', body: { code: code!.code } }), 429, 'RATE_LIMITED')
    expect(await balanceOf(guesser.token)).toBe(3)
    // Another account is not affected.
    const other = await signUp(f.server)
    expect((await other.api.raw('/api/credits/redeem', { method: 'POST', body: { code: code!.code } })).status).toBe(200)
  })
})
