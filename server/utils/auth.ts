import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto'
import type { H3Event } from 'h3'
import { deleteCookie, getCookie, getHeader, setCookie } from 'h3'
import { jwtVerify, SignJWT } from 'jose'
import type { UserRow } from '../db/schema'
import { createSession, deleteSession, findSessionWithUser, touchSession } from '../repositories/sessions'
import { useServerConfig } from './config'
import { apiError } from './errors'

/** The browser's session cookie: HttpOnly, so page scripts never see the token it holds. */
export const SESSION_COOKIE = 'auth.token'

let key: KeyObject | undefined

/** Imported once: jose would import a raw secret again on every verification. */
export function setJwtSecret(secret: string) {
  key = createSecretKey(Buffer.from(secret, 'utf8'))
}

function jwtKey() {
  if (!key) throw new Error('JWT secret is not set')
  return key
}

export interface Authenticated {
  user: UserRow
  sessionId: string
  /** How the request carried its token: a Bearer header (API clients) or the session cookie (the browser). */
  via: 'bearer' | 'cookie'
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
  createSession({ id, userId: user.id, expiresAt }, now)
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
  const found = findSessionWithUser(payload.sid)
  if (!found) return null
  const { session, user } = found
  const { sessionIdleMs } = useServerConfig()
  const idleFor = now.getTime() - session.lastSeenAt.getTime()
  if (user.id !== id || user.disabled || user.tokenVersion !== (payload.ver ?? 0)
    || session.expiresAt.getTime() <= now.getTime() || idleFor >= sessionIdleMs) {
    return null
  }
  if (idleFor > Math.min(60_000, sessionIdleMs / 4)) touchSession(session.id, now)
  return { user, sessionId: session.id }
}

export function bearerToken(event: H3Event) {
  const header = getHeader(event, 'authorization') ?? ''
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim())
  return match?.[1]
}

/** Who sent the request: the Bearer token when there is an Authorization header, else the session cookie. */
export async function authenticate(event: H3Event): Promise<Authenticated | null> {
  if ('auth' in event.context) return event.context.auth as Authenticated | null
  const bearer = bearerToken(event)
  const cookie = bearer || getHeader(event, 'authorization') ? undefined : getCookie(event, SESSION_COOKIE)
  const token = bearer ?? cookie
  const found = token ? await sessionFromToken(token) : null
  const auth = found ? { ...found, via: bearer ? 'bearer' as const : 'cookie' as const } : null
  event.context.auth = auth
  return auth
}

/** The signed-in user, read fresh from the database on every request (the role is never taken from the token). */
export async function requireUser(event: H3Event): Promise<UserRow> {
  const auth = await authenticate(event)
  if (!auth) throw apiError('UNAUTHORIZED')
  event.context.user = auth.user
  return auth.user
}

export async function requireAdmin(event: H3Event): Promise<UserRow> {
  const user = await requireUser(event)
  if (user.role !== 'admin') throw apiError('FORBIDDEN')
  return user
}

export function setSessionCookie(event: H3Event, token: string, expiresAt: Date) {
  setCookie(event, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: useServerConfig().cookieSecure,
    sameSite: 'lax',
    path: '/',
    expires: expiresAt,
  })
}

export function clearSessionCookie(event: H3Event) {
  deleteCookie(event, SESSION_COOKIE, { httpOnly: true, secure: useServerConfig().cookieSecure, sameSite: 'lax', path: '/' })
}

/** Ends the sign-in the request was made with (other devices stay signed in). */
export async function endSession(event: H3Event) {
  const auth = await authenticate(event)
  if (auth) deleteSession(auth.sessionId)
  clearSessionCookie(event)
}
