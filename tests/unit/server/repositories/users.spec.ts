import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { changeCredits, listLedger } from '../../../../server/repositories/ledger'
import { createUser, findUserByEmail, findUserById, updateUser } from '../../../../server/repositories/users'
import { useTempDatabase } from '../../../support/db'

let temp: ReturnType<typeof useTempDatabase>
beforeAll(() => {
  temp = useTempDatabase()
})
afterAll(() => temp.close())

describe('users repository', () => {
  it('creates a user with the signup grant as the first ledger row', async () => {
    const user = (await createUser({ email: 'one@example.com', passwordHash: 'h', credits: 3 }))!
    expect(user).toMatchObject({ email: 'one@example.com', credits: 3, role: 'user', disabled: false, tokenVersion: 0 })
    expect(user.createdAt).toBeInstanceOf(Date)
    const ledger = await listLedger(user.id, 10)
    expect(ledger).toHaveLength(1)
    expect(ledger[0]).toMatchObject({ delta: 3, balanceAfter: 3, reason: 'signup' })
  })

  it('returns null for a taken email and writes no ledger row', async () => {
    await createUser({ email: 'dup@example.com', passwordHash: 'h', credits: 3 })
    const before = temp.client.prepare('select count(*) as n from credit_ledger').get() as { n: number }
    expect(await createUser({ email: 'dup@example.com', passwordHash: 'h2', credits: 3 })).toBeNull()
    const after = temp.client.prepare('select count(*) as n from credit_ledger').get() as { n: number }
    expect(after.n).toBe(before.n)
  })

  it('finds users by id and email and updates them', async () => {
    const user = (await createUser({ email: 'find@example.com', passwordHash: 'h', credits: 0 }))!
    expect((await findUserById(user.id))?.email).toBe('find@example.com')
    expect((await findUserByEmail('find@example.com'))?.id).toBe(user.id)
    expect(await findUserByEmail('nobody@example.com')).toBeUndefined()
    expect((await updateUser(user.id, { role: 'admin' }))?.role).toBe('admin')
  })

  it('refuses a negative balance at the database level (CHECK constraint)', async () => {
    const user = (await createUser({ email: 'check@example.com', passwordHash: 'h', credits: 1 }))!
    expect(() => temp.client.prepare('update users set credits = -1 where id = ?').run(user.id)).toThrow(/CHECK constraint/)
  })

  it('refuses a role outside user/admin', async () => {
    const user = (await createUser({ email: 'role@example.com', passwordHash: 'h', credits: 1 }))!
    expect(() => temp.client.prepare('update users set role = \'root\' where id = ?').run(user.id)).toThrow(/CHECK constraint/)
  })
})

describe('credit changes', () => {
  it('moves the balance and records each change with the balance after', async () => {
    const user = (await createUser({ email: 'ledger@example.com', passwordHash: 'h', credits: 2 }))!
    expect(await changeCredits({ userId: user.id, delta: -2, reason: 'generation', reference: 'job:1' })).toBe(0)
    expect(await changeCredits({ userId: user.id, delta: -1, reason: 'generation', reference: 'job:2' })).toBeNull()
    expect(await changeCredits({ userId: user.id, delta: 2, reason: 'refund', reference: 'job:1' })).toBe(2)
    const rows = (await listLedger(user.id, 10)).map(r => [r.delta, r.balanceAfter, r.reason, r.reference])
    expect(rows).toEqual([[2, 2, 'refund', 'job:1'], [-2, 0, 'generation', 'job:1'], [2, 2, 'signup', null]])
    expect((await findUserById(user.id))?.credits).toBe(2)
  })

  it('returns null for an unknown user', async () => {
    expect(await changeCredits({ userId: 999_999, delta: 5, reason: 'admin_grant' })).toBeNull()
  })

  it('pages the ledger newest first by id', async () => {
    const user = (await createUser({ email: 'paging@example.com', passwordHash: 'h', credits: 0 }))!
    for (let i = 0; i < 5; i++) (await changeCredits({ userId: user.id, delta: 1, reason: 'admin_grant' }))
    const first = await listLedger(user.id, 3)
    expect(first.map(r => r.balanceAfter)).toEqual([5, 4, 3])
    const rest = await listLedger(user.id, 3, first.at(-1)!.id)
    expect(rest.map(r => r.balanceAfter)).toEqual([2, 1, 0])
  })
})
