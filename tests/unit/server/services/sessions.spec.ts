import { SignJWT, UnsecuredJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deleteSession } from '../../../../server/repositories/sessions'
import { createUser, updateUser } from '../../../../server/repositories/users'
import { sessionFromToken, setJwtSecret, startSession } from '../../../../server/services/sessions'
import { useTempDatabase } from '../../../support/db'

const SECRET = 'unit-test-secret-that-is-long-enough-123'
let temp: ReturnType<typeof useTempDatabase>
beforeAll(() => {
  temp = useTempDatabase({ sessionIdleTtl: '1h', jwtTtl: '2h' })
  setJwtSecret(SECRET)
})
afterAll(() => temp.close())

const userId = async (token: string, now?: Date) => (await sessionFromToken(token, now))?.user.id

describe('tokens', () => {
  const key = new TextEncoder().encode(SECRET)

  it('round-trips a session token to its user, with the absolute lifetime as exp', async () => {
    const user = (await createUser({ email: 'tok@example.com', passwordHash: 'h', credits: 1 }))!
    const { token, expiresAt } = await startSession(user)
    expect(await userId(token)).toBe(user.id)
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number, iat: number, sid: string }
    expect(claims.exp - claims.iat).toBe(2 * 3600)
    expect(claims.exp).toBe(Math.floor(expiresAt.getTime() / 1000))
    expect(claims.sid).toMatch(/^[\w-]{24}$/)
  })

  it('ends a session that is deleted (logout) or idle for longer than allowed, and moves the idle limit on with use', async () => {
    const user = (await createUser({ email: 'idle@example.com', passwordHash: 'h', credits: 1 }))!
    const started = Date.now()
    const at = (minutes: number) => new Date(started + minutes * 60_000)
    const { token } = await startSession(user)
    expect(await userId(token, at(50))).toBe(user.id)
    // Used at 50 minutes: still good at 100, an hour after the last use is not.
    expect(await userId(token, at(100))).toBe(user.id)
    expect(await userId(token, at(161))).toBeUndefined()

    const other = await startSession(user)
    const sid = JSON.parse(Buffer.from(other.token.split('.')[1]!, 'base64url').toString()).sid as string
    await deleteSession(sid)
    expect(await userId(other.token)).toBeUndefined()
  })

  it('rejects expired, foreign, unsigned, non-numeric and stale tokens', async () => {
    const user = (await createUser({ email: 'bad@example.com', passwordHash: 'h', credits: 1 }))!
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
      // Signed with the right secret, but for no session the server started.
      noSession: await new SignJWT({ ver: 0, sid: 'made-up-session-id-00000' }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('1h').sign(key),
    }
    for (const [name, token] of Object.entries(tokens)) {
      expect(await sessionFromToken(token), name).toBeNull()
    }
  })

  it('stops accepting a token once the user is disabled or their token version moves on', async () => {
    const user = (await createUser({ email: 'ver@example.com', passwordHash: 'h', credits: 1 }))!
    const { token } = await startSession(user)
    await updateUser(user.id, { tokenVersion: 1 })
    expect(await sessionFromToken(token)).toBeNull()
    const fresh = await startSession({ id: user.id, tokenVersion: 1 })
    expect(await sessionFromToken(fresh.token)).not.toBeNull()
    await updateUser(user.id, { disabled: true })
    expect(await sessionFromToken(fresh.token)).toBeNull()
  })
})
