import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, findUserById } from '../../../../server/repositories/users'
import { createCodes, generateCode, normalizeCode, redeemCode } from '../../../../server/services/redeem-codes'
import { useTempDatabase } from '../../../support/db'

let temp: ReturnType<typeof useTempDatabase>
beforeAll(() => {
  temp = useTempDatabase()
})
afterAll(() => temp.close())

const count = (table: string) => (temp.client.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n

describe('redeem code text', () => {
  it('generates NB- and four groups of four unambiguous symbols, all different', async () => {
    const codes = Array.from({ length: 2000 }, generateCode)
    for (const code of codes) expect(code).toMatch(/^NB(-[2-9A-HJ-NP-Z]{4}){4}$/)
    expect(new Set(codes).size).toBe(codes.length)
    // Every one of the 32 symbols turns up: the bytes are not biased towards part of the alphabet.
    expect(new Set(codes.join('').replace(/NB|-/g, '')).size).toBe(32)
  })

  it.each([
    ['NB-ABCD-EFGH-JKLM-NPQR', 'NB-ABCD-EFGH-JKLM-NPQR'],
    ['nb-abcd-efgh-jklm-npqr', 'NB-ABCD-EFGH-JKLM-NPQR'],
    [' abcd efgh jklm npqr ', 'NB-ABCD-EFGH-JKLM-NPQR'],
    ['ABCDEFGHJKLMNPQR', 'NB-ABCD-EFGH-JKLM-NPQR'],
    ['NBAB-CDEF-GHJK-LMNP', 'NB-NBAB-CDEF-GHJK-LMNP'],
    ['NB-ABCD-EFGH-JKLM-NPQ', null],
    ['NB-ABCD-EFGH-JKLM-NPQO', null],
    ['', null],
  ])('normalizes %j to %j', (input, expected) => {
    expect(normalizeCode(input)).toBe(expected)
  })
})

describe('redeeming', () => {
  it('rolls the whole redemption back when the code is used up: no use row, no balance change', async () => {
    const admin = (await createUser({ email: 'admin@example.com', passwordHash: 'h', credits: 0, role: 'admin' }))!
    const a = (await createUser({ email: 'a@example.com', passwordHash: 'h', credits: 0 }))!
    const b = (await createUser({ email: 'b@example.com', passwordHash: 'h', credits: 0 }))!
    const [code] = await createCodes({ credits: 6, count: 1, maxUses: 1 }, admin.id)
    expect(await redeemCode(code!.code, a.id)).toEqual({ credits: 6, balance: 6 })
    const uses = count('redeem_uses')
    const ledger = count('credit_ledger')
    await expect(redeemCode(code!.code, b.id)).rejects.toMatchObject({ code: 'CODE_USED_UP' })
    expect(count('redeem_uses')).toBe(uses)
    expect(count('credit_ledger')).toBe(ledger)
    expect((await findUserById(b.id))?.credits).toBe(0)
  })

  it('treats a code as expired from its expiry moment on', async () => {
    const user = (await createUser({ email: 'c@example.com', passwordHash: 'h', credits: 0 }))!
    const expiresAt = new Date(Date.now() + 60_000)
    const [code] = await createCodes({ credits: 2, count: 1, maxUses: 1, expiresAt: expiresAt.toISOString() }, user.id)
    await expect(redeemCode(code!.code, user.id, expiresAt)).rejects.toMatchObject({ code: 'CODE_EXPIRED' })
    expect(await redeemCode(code!.code, user.id, new Date(expiresAt.getTime() - 1))).toEqual({ credits: 2, balance: 2 })
    expect((await findUserById(user.id))?.credits).toBe(2)
  })
})
