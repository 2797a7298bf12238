import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto'
import { jwtVerify, SignJWT } from 'jose'
import type { UserRow } from '#server/db/schema'
import { createSession, deleteSession, deleteStaleSessions, deleteUserSessions, findSessionWithUser, touchSession } from '#server/repositories/sessions'
import { useServerConfig } from '#server/utils/config'

let key: KeyObject | undefined

/** Imported once: jose would import a raw secret again on every verification. */
export function setJwtSecret(secret: string) {
  key = createSecretKey(Buffer.from(secret, 'utf8'))
}

function jwtKey() {
  if (!key) throw new Error('JWT secret is not set')
  return key
}

/**
 * Starts a sign-in: a session row (so logout and the idle limit can end it) and a token naming it.
 * The token's `ver` is the user's token version: bumping it ends every session at once.
 */
export async function startSession(user: Pick<UserRow, 'id' | 'tokenVersion'>): Promise<{ token: string, expiresAt: Date }> {
  const { jwtTtlMs } = useServerConfig()
  const id = randomBytes(18).toString('base64url')
  const now = new Date()
  const expiresAt = new Date(now.getTime() + jwtTtlMs)
  await createSession({ id, userId: user.id, expiresAt }, now)
  const token = await new SignJWT({ ver: user.tokenVersion, sid: id })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(user.id))
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(jwtKey())
  return { token, expiresAt }
}

/**
 * The session a token names, or null for any token that is not ours, expired, logged out, idle for
 * too long, from an older token version or for a disabled or deleted account. Use moves the idle
 * limit on (written at most every minute, not on every request).
 */
export async function sessionFromToken(token: string, now = new Date()): Promise<{ user: UserRow, sessionId: string } | null> {
  let payload: { sub?: string, ver?: unknown, sid?: unknown }
  try {
    ({ payload } = await jwtVerify(token, jwtKey(), { algorithms: ['HS256'] }))
  }
  catch {
    return null
  }
  const id = Number(payload.sub)
  if (!Number.isSafeInteger(id) || id <= 0 || typeof payload.sid !== 'string') return null
  const found = await findSessionWithUser(payload.sid)
  if (!found) return null
  const { session, user } = found
  const { sessionIdleMs } = useServerConfig()
  const idleFor = now.getTime() - session.lastSeenAt.getTime()
  if (user.id !== id || user.disabled || user.tokenVersion !== (payload.ver ?? 0)
    || session.expiresAt.getTime() <= now.getTime() || idleFor >= sessionIdleMs) {
    return null
  }
  if (idleFor > Math.min(60_000, sessionIdleMs / 4)) await touchSession(session.id, now)
  return { user, sessionId: session.id }
}

export async function endSession(sessionId: string) {
  await deleteSession(sessionId)
}

/** Every sign-in of a user ends (password changed, account disabled). */
export async function endUserSessions(userId: number) {
  await deleteUserSessions(userId)
}

/** Ended sign-ins are refused anyway; this removes their rows. */
export async function pruneSessions(now = new Date()) {
  return deleteStaleSessions(now, useServerConfig().sessionIdleMs)
}
