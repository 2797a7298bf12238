import { SignJWT, UnsecuredJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createUser, updateUser } from '../../../../server/repositories/users'
import { setJwtSecret, signToken, userFromToken } from '../../../../server/utils/auth'
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../../../server/utils/password'
import { useTempDatabase } from '../db'

const SECRET = 'unit-test-secret-that-is-long-enough-123'
let temp: ReturnType<typeof useTempDatabase>
beforeAll(() => {
  temp = useTempDatabase()
  setJwtSecret(SECRET)
})
afterAll(() => temp.close())

describe('password hashing', () => {
  it('hashes with argon2id, salted, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse')
    const b = await hashPassword('correct horse')
    expect(a).toMatch(/^\$argon2id\$/)
    expect(a).not.toBe(b)
    expect(await verifyPassword(a, 'correct horse')).toBe(true)
    expect(await verifyPassword(a, 'Correct horse')).toBe(false)
  })

  it('treats a damaged hash as a failed check, not an exception', async () => {
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false)
  })

  it('always fails the dummy check', async () => {
    expect(await verifyAgainstDummy('anything')).toBe(false)
  })
})

describe('tokens', () => {
  const key = new TextEncoder().encode(SECRET)

  it('round-trips a signed token to its user', async () => {
    const user = createUser({ email: 'tok@example.com', passwordHash: 'h', credits: 1 })!
    const token = await signToken(user, '1h')
    expect((await userFromToken(token))?.id).toBe(user.id)
  })

  it('rejects expired, foreign, unsigned, non-numeric and stale tokens', async () => {
    const user = createUser({ email: 'bad@example.com', passwordHash: 'h', credits: 1 })!
    const sub = String(user.id)
    const now = Math.floor(Date.now() / 1000)
    const tokens = {
      expired: await new SignJWT({ ver: 0 }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt(now - 100).setExpirationTime(now - 10).sign(key),
      foreign: await new SignJWT({ ver: 0 }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(40))),
      unsigned: new UnsecuredJWT({ ver: 0 }).setSubject(sub).setExpirationTime('1h').encode(),
      hs512: await new SignJWT({ ver: 0 }).setProtectedHeader({ alg: 'HS512' }).setSubject(sub).setExpirationTime('1h').sign(new TextEncoder().encode(SECRET.repeat(2))),
      textSub: await new SignJWT({ ver: 0 }).setProtectedHeader({ alg: 'HS256' }).setSubject('abc').setExpirationTime('1h').sign(key),
      noSub: await new SignJWT({ ver: 0 }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key),
      garbage: 'a.b.c',
    }
    for (const [name, token] of Object.entries(tokens)) {
      expect(await userFromToken(token), name).toBeNull()
    }
  })

  it('stops accepting a token once the user is disabled or their token version moves on', async () => {
    const user = createUser({ email: 'ver@example.com', passwordHash: 'h', credits: 1 })!
    const token = await signToken(user, '1h')
    updateUser(user.id, { tokenVersion: 1 })
    expect(await userFromToken(token)).toBeNull()
    const fresh = await signToken({ id: user.id, tokenVersion: 1 }, '1h')
    expect(await userFromToken(fresh)).not.toBeNull()
    updateUser(user.id, { disabled: true })
    expect(await userFromToken(fresh)).toBeNull()
  })
})
