import type { H3Event } from 'h3'
import { getHeader } from 'h3'
import { jwtVerify, SignJWT } from 'jose'
import type { UserRow } from '../db/schema'
import { findUserById } from '../repositories/users'
import { apiError } from './errors'

let key: Uint8Array | undefined

export function setJwtSecret(secret: string) {
  key = new TextEncoder().encode(secret)
}

function jwtKey() {
  if (!key) throw new Error('JWT secret is not set')
  return key
}

export function signToken(user: Pick<UserRow, 'id' | 'tokenVersion'>, ttl: string) {
  return new SignJWT({ ver: user.tokenVersion })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(user.id))
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(jwtKey())
}

/** The user a token names, or null for any token that is not ours, current and for a live account. */
export async function userFromToken(token: string): Promise<UserRow | null> {
  try {
    const { payload } = await jwtVerify(token, jwtKey(), { algorithms: ['HS256'] })
    const id = Number(payload.sub)
    if (!Number.isSafeInteger(id) || id <= 0) return null
    const user = findUserById(id)
    if (!user || user.disabled || user.tokenVersion !== (payload.ver ?? 0)) return null
    return user
  }
  catch {
    return null
  }
}

export function bearerToken(event: H3Event) {
  const header = getHeader(event, 'authorization') ?? ''
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim())
  return match?.[1]
}

/** The signed-in user, read fresh from the database on every request (the role is never taken from the token). */
export async function requireUser(event: H3Event): Promise<UserRow> {
  const token = bearerToken(event)
  const user = token ? await userFromToken(token) : null
  if (!user) throw apiError('UNAUTHORIZED')
  event.context.user = user
  return user
}

export async function requireAdmin(event: H3Event): Promise<UserRow> {
  const user = await requireUser(event)
  if (user.role !== 'admin') throw apiError('FORBIDDEN')
  return user
}
