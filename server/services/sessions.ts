import { randomBytes } from 'node:crypto'
import { jwtVerify, SignJWT } from 'jose'
import type { UserRow } from '#server/db/schema'
import { createSession, deleteSession, deleteStaleSessions, deleteUserSessions, findSessionWithUser, touchSession } from '#server/repositories/sessions'
import { useServerConfig } from '#server/utils/config'

let key: Promise<CryptoKey> | undefined

/** Imported once as a Web Crypto key: jose would import a raw secret (or a KeyObject) again on every verification. */
export function setJwtSecret(secret: string) {
  verified.clear()
  key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
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
    .sign(await jwtKey())
  return { token, expiresAt }
}

/**
 * The session a token names, or null for any token that is not ours, expired, logged out, idle for
 * too long, from an older token version or for a disabled or deleted account. Use moves the idle
 * limit on (written at most every minute, not on every request).
 */
export async function sessionFromToken(token: string, now = new Date()): Promise<{ user: UserRow, sessionId: string } | null> {
  const payload = await verifiedClaims(token, now)
  if (!payload) return null
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

interface Claims { sub?: string, ver?: unknown, sid?: unknown, exp?: number }

// Tokens whose signature was checked, with their claims: a browser sends the same token with every
// request, and the HMAC check through Web Crypto is the dearest step of a signed-in request. Bounded;
// expiry is still checked on every use, and the session row decides everything else.
const VERIFIED_MAX = 10_000
const verified = new Map<string, Claims>()

async function verifiedClaims(token: string, now: Date): Promise<Claims | null> {
  const known = verified.get(token)
  if (known) return known.exp !== undefined && known.exp * 1000 > now.getTime() ? known : null
  try {
    const { payload } = await jwtVerify(token, await jwtKey(), { algorithms: ['HS256'], currentDate: now })
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!)
    verified.set(token, payload)
    return payload
  }
  catch {
    return null
  }
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
