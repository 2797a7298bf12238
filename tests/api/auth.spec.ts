import { decodeJwt, SignJWT, UnsecuredJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { execute } from '../support/db'
import { expectApiError } from '../support/expect'
import { client, signUp, TEST_SECRET, uniqueEmail, type TestServer } from '../support/server'
import { withServer } from '../support/fixtures'

let server: TestServer
let api: ReturnType<typeof client>

withServer({}, (started) => {
  server = started
  api = client(server)
})

const secretKey = new TextEncoder().encode(TEST_SECRET)

describe('POST /api/register', () => {
  it('creates an account with the signup credits and returns the user without secrets', async () => {
    const email = uniqueEmail('Reg')
    const res = await api.raw('/api/register', { method: 'POST', body: { email: `  ${email.toUpperCase()} `, password: 'password-123' } })
    expect(res.status).toBe(201)
    const { user } = res._data as { user: Record<string, unknown> }
    expect(Object.keys(user).sort()).toEqual(['createdAt', 'credits', 'email', 'id', 'role'])
    expect(user).toMatchObject({ email: email.toLowerCase(), credits: 3, role: 'user' })
    expect(typeof user.id).toBe('number')
    expect(new Date(user.createdAt as string).toISOString()).toBe(user.createdAt)
  })

  it('answers 409 EMAIL_TAKEN for an address already registered, whatever its case', async () => {
    const { email } = await signUp(server)
    const res = await api.raw('/api/register', { method: 'POST', body: { email: email.toUpperCase(), password: 'another-password' } })
    expectApiError(res, 409, 'EMAIL_TAKEN')
  })

  it.each([
    ['missing email', { password: 'password-123' }, 'email'],
    ['missing password', { email: 'x@example.com' }, 'password'],
    ['invalid email', { email: 'not-an-email', password: 'password-123' }, 'email'],
    ['email over 254 characters', { email: `${'a'.repeat(250)}@example.com`, password: 'password-123' }, 'email'],
    ['password of 7 characters', { email: 'seven@example.com', password: '1234567' }, 'password'],
    ['password of 129 characters', { email: 'long@example.com', password: 'p'.repeat(129) }, 'password'],
    ['email not a string', { email: 42, password: 'password-123' }, 'email'],
  ])('rejects %s with 400 VALIDATION_ERROR and field details', async (_name, body, field) => {
    const res = await api.raw('/api/register', { method: 'POST', body })
    const error = expectApiError(res, 400, 'VALIDATION_ERROR') as unknown as { details: { fields: Record<string, string[]> } }
    expect(Object.keys(error.details.fields)).toContain(field)
  })

  it('accepts passwords of exactly 8 and 128 characters', async () => {
    for (const password of ['p'.repeat(8), 'p'.repeat(128)]) {
      const res = await api.raw('/api/register', { method: 'POST', body: { email: uniqueEmail(), password } })
      expect(res.status).toBe(201)
    }
  })

  it('rejects malformed JSON, an empty body and a non-object body with 400', async () => {
    const malformed = await api.raw('/api/register', { method: 'POST', body: '{"email":', headers: { 'content-type': 'application/json' } })
    expectApiError(malformed, 400, 'VALIDATION_ERROR')
    const empty = await api.raw('/api/register', { method: 'POST' })
    expectApiError(empty, 400, 'VALIDATION_ERROR')
    const array = await api.raw('/api/register', { method: 'POST', body: '[1,2]', headers: { 'content-type': 'application/json' } })
    expectApiError(array, 400, 'VALIDATION_ERROR')
  })

  it('rejects a body that is not JSON with 415 and one over 1 MB with 413, creating nothing', async () => {
    const email = uniqueEmail('nojson')
    const text = await api.raw('/api/register', { method: 'POST', body: `email=${email}&password=password-123`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expectApiError(text, 415, 'UNSUPPORTED_MEDIA_TYPE')
    const huge = await api.raw('/api/register', { method: 'POST', body: { email, password: 'password-123', pad: 'x'.repeat(1_100_000) } })
    expectApiError(huge, 413, 'PAYLOAD_TOO_LARGE')
    const login = await api.raw('/api/login', { method: 'POST', body: { email, password: 'password-123' } })
    expectApiError(login, 401, 'INVALID_CREDENTIALS')
  })
})

describe('POST /api/login', () => {
  it('returns an HS256 JWT whose sub is the user id, with iat and exp, and the user', async () => {
    const email = uniqueEmail()
    await api('/api/register', { method: 'POST', body: { email, password: 'password-123' } })
    const res = await api.raw('/api/login', { method: 'POST', body: { email: email.toUpperCase(), password: 'password-123' } })
    expect(res.status).toBe(200)
    const { token, user } = res._data as { token: string, user: { id: number, email: string } }
    expect(user.email).toBe(email)
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())
    expect(header.alg).toBe('HS256')
    const claims = decodeJwt(token)
    expect(claims.sub).toBe(String(user.id))
    expect(typeof claims.iat).toBe('number')
    // Default lifetime: 7 days.
    expect(claims.exp! - claims.iat!).toBe(7 * 24 * 3600)
    expect(JSON.stringify(res._data)).not.toMatch(/hash|password/i)
  })

  it('answers 401 INVALID_CREDENTIALS with the same message for a wrong password and an unknown email', async () => {
    const { email } = await signUp(server)
    const wrong = await api.raw('/api/login', { method: 'POST', body: { email, password: 'wrong-password' } })
    const unknown = await api.raw('/api/login', { method: 'POST', body: { email: uniqueEmail('ghost'), password: 'wrong-password' } })
    const a = expectApiError(wrong, 401, 'INVALID_CREDENTIALS')
    const b = expectApiError(unknown, 401, 'INVALID_CREDENTIALS')
    expect(a.message).toBe(b.message)
  })

  it('takes about as long for an unknown email as for a wrong password (dummy hash)', async () => {
    const { email } = await signUp(server)
    const time = async (body: object) => {
      const started = performance.now()
      await api.raw('/api/login', { method: 'POST', body })
      return performance.now() - started
    }
    // A warm-up each, then the median of a few: the unknown email must also pay for an argon2 verify.
    await time({ email, password: 'nope-nope-1' })
    await time({ email: uniqueEmail('ghost'), password: 'nope-nope-1' })
    const known: number[] = []
    const unknown: number[] = []
    for (let i = 0; i < 3; i++) {
      known.push(await time({ email, password: 'nope-nope-1' }))
      unknown.push(await time({ email: uniqueEmail('ghost'), password: 'nope-nope-1' }))
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[1]!
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.4)
  })

  it('rejects a login body without a password with 400', async () => {
    expectApiError(await api.raw('/api/login', { method: 'POST', body: { email: 'a@example.com' } }), 400, 'VALIDATION_ERROR')
  })

  it('answers 429 RATE_LIMITED after ten attempts at one account from one address', async () => {
    const { email, password } = await signUp(server)
    for (let i = 0; i < 10; i++) {
      const res = await api.raw('/api/login', { method: 'POST', body: { email, password: 'wrong-password' } })
      expect(res.status).toBe(401)
    }
    expectApiError(await api.raw('/api/login', { method: 'POST', body: { email, password } }), 429, 'RATE_LIMITED')
  })
})

describe('GET /api/users/me', () => {
  it('returns the signed-in user', async () => {
    const { token, email } = await signUp(server)
    const res = await client(server, token).raw('/api/users/me')
    expect(res.status).toBe(200)
    expect(res._data).toMatchObject({ email, credits: 3, role: 'user' })
    expect(Object.keys(res._data as object).sort()).toEqual(['createdAt', 'credits', 'email', 'id', 'role'])
  })

  it('answers 401 UNAUTHORIZED for every token that is not valid', async () => {
    const { user, token } = await signUp(server)
    const sub = String(user.id)
    const now = Math.floor(Date.now() / 1000)
    const expired = await new SignJWT({ ver: 0 }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt(now - 7200).setExpirationTime(now - 3600).sign(secretKey)
    const otherSecret = await new SignJWT({ ver: 0 }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-that-is-long-enough-xxxxx'))
    const none = new UnsecuredJWT({ ver: 0 }).setSubject(sub).setIssuedAt().setExpirationTime('1h').encode()
    const [h, p] = token.split('.')
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...decodeJwt(token), sub: '999999' })).toString('base64url')}.${token.split('.')[2]}`
    const cases: Record<string, string | undefined> = {
      'missing': undefined,
      'malformed': 'Bearer not.a.jwt',
      'not bearer': `Basic ${token}`,
      'expired': `Bearer ${expired}`,
      'other secret': `Bearer ${otherSecret}`,
      'alg none': `Bearer ${none}`,
      'tampered payload': `Bearer ${tampered}`,
      'no signature': `Bearer ${h}.${p}.`,
    }
    for (const [name, header] of Object.entries(cases)) {
      const res = await api.raw('/api/users/me', { headers: header ? { Authorization: header } : {} })
      expect(res.status, name).toBe(401)
      expectApiError(res, 401, 'UNAUTHORIZED')
    }
  })

  it('answers 401 for a valid token whose user no longer exists', async () => {
    const { user, token } = await signUp(server)
    execute(server.dataDir, 'delete from users where id = ?', user.id)
    expectApiError(await client(server, token).raw('/api/users/me'), 401, 'UNAUTHORIZED')
  })

  it('takes the role from the database on every request, not from the token', async () => {
    const { user, token } = await signUp(server)
    execute(server.dataDir, 'update users set role = \'admin\' where id = ?', user.id)
    const me = await client(server, token)('/api/users/me')
    expect(me.role).toBe('admin')
  })
})

describe('POST /api/logout', () => {
  it('answers 200', async () => {
    const { api: authed } = await signUp(server)
    const res = await authed.raw('/api/logout', { method: 'POST' })
    expect(res.status).toBe(200)
  })
})

describe('the error format and the API surface', () => {
  it('answers unknown /api routes with 404 NOT_FOUND in JSON', async () => {
    expectApiError(await api.raw('/api/does-not-exist'), 404, 'NOT_FOUND')
    expectApiError(await api.raw('/api/users/me/deeper/still', { method: 'POST' }), 404, 'NOT_FOUND')
  })

  it('answers a known route with the wrong method with 405 and an Allow header', async () => {
    const res = await api.raw('/api/register')
    expectApiError(res, 405, 'METHOD_NOT_ALLOWED')
    expect(res.headers.get('allow')).toBe('POST')
    expectApiError(await api.raw('/api/users/me', { method: 'DELETE' }), 405, 'METHOD_NOT_ALLOWED')
  })

  it('puts a request id on every response and in the server log line', async () => {
    const res = await api.raw('/api/health')
    const id = res.headers.get('x-request-id')
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    await new Promise(r => setTimeout(r, 50))
    expect(server.logs.some(line => line.includes(id!) && line.includes('/api/health'))).toBe(true)
  })

  it('sends the baseline security headers on pages and API responses', async () => {
    for (const path of ['/api/health', '/login', '/api/nope']) {
      const res = await api.raw(path)
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff')
      expect(res.headers.get('x-frame-options'), path).toBe('DENY')
      expect(res.headers.get('referrer-policy'), path).toBeTruthy()
    }
  })

  it('reports health with the version', async () => {
    const res = await api.raw('/api/health')
    expect(res.status).toBe(200)
    expect(res._data).toEqual({
      status: 'ok',
      db: 'ok',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      eventLoopDelayMs: { p50: expect.any(Number), p99: expect.any(Number) },
    })
    const { p50, p99 } = (res._data as { eventLoopDelayMs: { p50: number, p99: number } }).eventLoopDelayMs
    expect(p50).toBeGreaterThanOrEqual(0)
    expect(p99).toBeGreaterThanOrEqual(p50)
    // Milliseconds to two decimals, as written: no binary-fraction tails.
    for (const value of [p50, p99]) expect(String(value)).toMatch(/^\d+(?:\.\d{1,2})?$/)
  })
})

describe('pages', () => {
  it('redirects a signed-out visitor from a protected page to /login with the way back', async () => {
    const res = await fetch(`${server.url}/account`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/login?redirect=/account')
  })

  it('server-renders the sign-in form in Chinese by default', async () => {
    const html = await (await fetch(`${server.url}/login`)).text()
    expect(html).toContain('lang="zh-CN"')
    expect(html).toContain('登录')
    expect(html).toContain('name="email"')
  })
})
