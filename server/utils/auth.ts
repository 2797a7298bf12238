import type { H3Event } from 'h3'
import { deleteCookie, getCookie, getHeader, setCookie } from 'h3'
import type { UserRow } from '#server/db/schema'
import { endSession, sessionFromToken } from '#server/services/sessions'
import { useServerConfig } from '#server/utils/config'
import { AppError } from '#server/utils/errors'

/** The browser's session cookie: HttpOnly, so page scripts never see the token it holds. */
export const SESSION_COOKIE = 'auth.token'

export interface Authenticated {
  user: UserRow
  sessionId: string
  /** How the request carried its token: a Bearer header (API clients) or the session cookie (the browser). */
  via: 'bearer' | 'cookie'
}

/** The token of an `Authorization: Bearer …` header, if there is one. */
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
  if (!auth) throw new AppError('UNAUTHORIZED')
  event.context.user = auth.user
  return auth.user
}

export async function requireAdmin(event: H3Event): Promise<UserRow> {
  const user = await requireUser(event)
  if (user.role !== 'admin') throw new AppError('FORBIDDEN')
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

function clearSessionCookie(event: H3Event) {
  deleteCookie(event, SESSION_COOKIE, { httpOnly: true, secure: useServerConfig().cookieSecure, sameSite: 'lax', path: '/' })
}

/** Ends the sign-in the request was made with (other devices stay signed in) and clears the cookie. */
export async function signOut(event: H3Event) {
  const auth = await authenticate(event)
  if (auth) await endSession(auth.sessionId)
  clearSessionCookie(event)
}
