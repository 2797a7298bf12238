// Each finding of the hardening review (issue 8), as it was reproduced against the built server.
import { randomBytes } from 'node:crypto'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { query } from '../support/db'
import { expectApiError } from '../support/expect'
import { multipartHead, rawGet, sendChunked } from '../support/http'
import { client, signUp, startServer, testAddress, uniqueEmail, type TestServer } from '../support/server'

let server: TestServer
// Deployed without a proxy: NUXT_TRUST_PROXY empty, X-Forwarded-For means nothing.
let direct: TestServer

beforeAll(async () => {
  ;[server, direct] = await Promise.all([
    startServer(),
    startServer({ env: { NUXT_TRUST_PROXY: undefined } }),
  ])
})
afterAll(async () => {
  await Promise.all([server?.stop(), direct?.stop()])
})

const BOUNDARY = 'nano-banana-test-boundary'
const MB = 1024 * 1024

function parsed(body: string) {
  return JSON.parse(body) as { error: { code: string, message: string } }
}

async function alive(target: TestServer) {
  expect(target.process.exitCode).toBeNull()
  expect((await client(target).raw('/api/health')).status).toBe(200)
}

function lastLogLine(target: TestServer, path: string) {
  const line = [...target.logs].reverse().find(l => l.includes(`"path":"${path}"`))
  return line ? JSON.parse(line) as { ip: string } : undefined
}

describe('1–3. request bodies: limits enforced while reading, whatever the headers say', () => {
  it('answers a 128 MB chunked upload with 413 long before its end, and stays up', async () => {
    const { token, address } = await signUp(server)
    const res = await sendChunked(`${server.url}/api/generate/image-to-image`, {
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'authorization': `Bearer ${token}`, 'x-forwarded-for': address },
      head: multipartHead(BOUNDARY, 'image', { prompt: 'a cat' }),
      total: 128 * MB,
      pauseAt: 36 * MB,
    })
    expect(res.status, res.error).toBe(413)
    expect(parsed(res.body).error.code).toBe('PAYLOAD_TOO_LARGE')
    expect(res.sentBeforeAnswer).toBeLessThan(40 * MB)
    await alive(server)
    expect((await client(server, token)<{ credits: number }>('/api/users/me')).credits).toBe(3)
  })

  it('refuses chunked JSON past the limit as it arrives: 64 MB to /api/login, 2 MB elsewhere', async () => {
    // The client waits after 1 MB: the server, reading no further than its 64 KB limit, has answered by
    // then. (A client writing on notices the answer late on a loaded machine: tens of megabytes.)
    const login = await sendChunked(`${server.url}/api/login`, { headers: { 'content-type': 'application/json' }, total: 64 * MB, pauseAt: MB })
    expect(login.status, login.error).toBe(413)
    expect(parsed(login.body).error.code).toBe('PAYLOAD_TOO_LARGE')
    expect(login.sentBeforeAnswer).toBeLessThan(2 * MB)

    const { token } = await signUp(server)
    const redeem = await sendChunked(`${server.url}/api/credits/redeem`, { headers: { 'content-type': 'application/json', 'authorization': `Bearer ${token}` }, total: 2 * MB })
    expect(redeem.status, redeem.error).toBe(413)
    await alive(server)
  })

  it('answers 415 before reading a body of a type the route does not take', async () => {
    // JSON labelled multipart for a JSON route, and JSON for the upload route.
    const mislabelled = await sendChunked(`${server.url}/api/login`, { headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, total: 64 * MB, pauseAt: MB })
    expect(mislabelled.status, mislabelled.error).toBe(415)
    expect(parsed(mislabelled.body).error.code).toBe('UNSUPPORTED_MEDIA_TYPE')
    expect(mislabelled.sentBeforeAnswer).toBeLessThan(2 * MB)

    const { api } = await signUp(server)
    const json = await api.raw('/api/generate/image-to-image', { method: 'POST', body: { prompt: 'x' } })
    expectApiError(json, 415, 'UNSUPPORTED_MEDIA_TYPE')
    const none = await api.raw('/api/register', { method: 'POST', body: 'email=a', headers: { 'content-type': 'text/plain' } })
    expectApiError(none, 415, 'UNSUPPORTED_MEDIA_TYPE')
  })

  it('refuses a fourth image as soon as it starts, charging nothing', async () => {
    const { token, address, user } = await signUp(server)
    const small = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fc0' } }).png().toBuffer()
    const part = (name: string) => Buffer.concat([Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="${name}"\r\nContent-Type: image/png\r\n\r\n`), small, Buffer.from('\r\n')])
    const head = Buffer.concat([
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nfour cats\r\n`),
      part('1.png'), part('2.png'), part('3.png'),
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="4.png"\r\nContent-Type: image/png\r\n\r\n`),
    ])
    const res = await sendChunked(`${server.url}/api/generate/image-to-image`, {
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'authorization': `Bearer ${token}`, 'x-forwarded-for': address },
      head,
      total: 30 * MB,
      pauseAt: 16 * MB,
    })
    expect(res.status, res.error).toBe(400)
    expect(parsed(res.body).error.code).toBe('VALIDATION_ERROR')
    expect(res.sentBeforeAnswer).toBeLessThan(20 * MB)
    expect(query(server.dataDir, 'select count(*) as n from generation_jobs where user_id = ?', user.id)).toEqual([{ n: 0 }])
  })

  it('takes three 9 MB images, streamed to disk, and makes the picture', async () => {
    const { api } = await signUp(server)
    const side = 1750
    const big = await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer()
    expect(big.length).toBeGreaterThan(9 * 1000 * 1000)
    expect(big.length).toBeLessThan(10 * MB)
    const body = new FormData()
    body.append('prompt', 'three noisy squares')
    for (let i = 0; i < 3; i++) body.append('image', new Blob([new Uint8Array(big)], { type: 'image/png' }), `noise-${i}.png`)
    const res = await api.raw<{ creation: { kind: string }, credits: number }>('/api/generate/image-to-image', { method: 'POST', body })
    expect(res.status, JSON.stringify(res._data)).toBe(200)
    expect(res._data!.creation.kind).toBe('image-to-image')
    expect(res._data!.credits).toBe(2)
    await alive(server)
  })
})

describe('4. the client address comes from a trusted proxy only', () => {
  it('ignores X-Forwarded-For without NUXT_TRUST_PROXY: a locked account stays locked whatever the header says', async () => {
    const { email, password } = await signUp(direct)
    for (let i = 0; i < 10; i++) {
      const res = await client(direct, undefined, `198.51.100.${i}`).raw('/api/login', { method: 'POST', body: { email, password: 'wrong-password' } })
      expect(res.status).toBe(401)
    }
    const fresh = client(direct, undefined, '203.0.113.250')
    const res = await fresh.raw('/api/login', { method: 'POST', body: { email, password } })
    expectApiError(res, 429, 'RATE_LIMITED')
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(lastLogLine(direct, '/api/login')?.ip).toBe('127.0.0.1')
  })

  it('behind a trusted proxy, takes the rightmost address the proxy did not vouch for', async () => {
    await client(server, undefined, '6.6.6.6, 192.0.2.10').raw('/api/health')
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(lastLogLine(server, '/api/health')?.ip).toBe('192.0.2.10')
  })
})

describe('5. limits across accounts, answered with Retry-After', () => {
  it('stops failed sign-ins from one address after 30, whichever accounts they try', async () => {
    const address = testAddress()
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 40; i++) {
      const res = await client(server, undefined, address).raw('/api/login', { method: 'POST', body: { email: uniqueEmail(`spray${i}`), password: 'wrong-password' } })
      statuses.push(res.status)
      if (res.status === 429) retryAfter ??= res.headers.get('retry-after')
    }
    expect(statuses.slice(0, 30).every(s => s === 401)).toBe(true)
    expect(statuses.slice(30).every(s => s === 429)).toBe(true)
    expect(Number(retryAfter)).toBeGreaterThan(0)
    // Another address is not affected.
    expect((await client(server).raw('/api/login', { method: 'POST', body: { email: uniqueEmail(), password: 'wrong-password' } })).status).toBe(401)
  })

  it('lets one address sign up five accounts an hour; the rest get 429 and no credits', async () => {
    const address = testAddress()
    const emails = Array.from({ length: 25 }, () => uniqueEmail('burst'))
    const results = await Promise.all(emails.map(email => client(server, undefined, address).raw('/api/register', { method: 'POST', body: { email, password: 'correct-horse-1' } })))
    expect(results.filter(r => r.status === 201)).toHaveLength(5)
    const limited = results.filter(r => r.status === 429)
    expect(limited).toHaveLength(20)
    for (const res of limited) {
      expectApiError(res, 429, 'RATE_LIMITED')
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    }
    const created = query<{ n: number }>(server.dataDir, `select count(*) as n from users where email in (${emails.map(() => '?').join(',')})`, ...emails)
    expect(created).toEqual([{ n: 5 }])
  })
})

describe('6. sessions', () => {
  it('logout ends the token on the server', async () => {
    const { api, token } = await signUp(server)
    expect((await api.raw('/api/users/me')).status).toBe(200)
    expect((await api.raw('/api/logout', { method: 'POST' })).status).toBe(200)
    expectApiError(await client(server, token).raw('/api/users/me'), 401, 'UNAUTHORIZED')
  })

  it('ends a session left idle past NUXT_SESSION_IDLE_TTL, while use keeps it going', async () => {
    const idle = await startServer({ env: { NUXT_SESSION_IDLE_TTL: '4s' } })
    try {
      const left = await signUp(idle)
      const used = await signUp(idle)
      for (let i = 0; i < 3; i++) {
        await new Promise(resolve => setTimeout(resolve, 1500))
        expect((await used.api.raw('/api/users/me')).status).toBe(200)
      }
      // 4.5 s and more since `left` was last used; `used`, 1.5 s.
      expectApiError(await left.api.raw('/api/users/me'), 401, 'UNAUTHORIZED')
      expect((await used.api.raw('/api/users/me')).status).toBe(200)
    }
    finally {
      await idle.stop()
    }
  })

  it('keeps the browser session in an HttpOnly, Secure, SameSite=Lax cookie that works without the token in sight', async () => {
    const { email, password } = await signUp(server)
    const address = testAddress()
    const api = client(server, undefined, address)
    const res = await api.raw('/api/login', { method: 'POST', body: { email, password, cookieOnly: true } })
    expect(res.status).toBe(200)
    expect(Object.keys(res._data as object)).toEqual(['user'])
    const cookie = res.headers.get('set-cookie')!
    expect(cookie).toMatch(/^auth\.token=[\w-]+\.[\w-]+\.[\w-]+;/)
    expect(cookie).toMatch(/;\s*HttpOnly/i)
    expect(cookie).toMatch(/;\s*Secure/i)
    expect(cookie).toMatch(/;\s*SameSite=Lax/i)
    const session = cookie.split(';')[0]!
    expect((await api.raw('/api/users/me', { headers: { cookie: session } }))._data).toMatchObject({ email })

    // A state-changing request on the cookie from another site is refused (CSRF), from this one taken.
    const crossSite = await api.raw('/api/logout', { method: 'POST', headers: { cookie: session, origin: 'https://evil.example' } })
    expectApiError(crossSite, 403, 'FORBIDDEN')
    const fetchMeta = await api.raw('/api/logout', { method: 'POST', headers: { 'cookie': session, 'sec-fetch-site': 'cross-site' } })
    expectApiError(fetchMeta, 403, 'FORBIDDEN')
    expect((await api.raw('/api/users/me', { headers: { cookie: session } })).status).toBe(200)
    const sameSite = await api.raw('/api/logout', { method: 'POST', headers: { 'cookie': session, 'origin': server.url, 'sec-fetch-site': 'same-origin' } })
    expect(sameSite.status).toBe(200)
    expect(sameSite.headers.get('set-cookie')).toMatch(/^auth\.token=;.*Max-Age=0/i)
    expectApiError(await api.raw('/api/users/me', { headers: { cookie: session } }), 401, 'UNAUTHORIZED')
  })

  it('refuses the most common passwords with a clear message, at sign-up and on change', async () => {
    const res = await client(server).raw('/api/register', { method: 'POST', body: { email: uniqueEmail(), password: 'password' } })
    const error = expectApiError(res, 400, 'VALIDATION_ERROR') as unknown as { message: string, details: { fields: Record<string, string[]> } }
    expect(error.message).toMatch(/common/)
    expect(error.details.fields.password).toEqual(['This password is too common.'])
    const { api, password } = await signUp(server)
    const change = await api.raw('/api/users/me/password', { method: 'POST', body: { currentPassword: password, newPassword: 'iloveyou' } })
    expectApiError(change, 400, 'VALIDATION_ERROR')
  })
})

describe('7. headers', () => {
  it('sends a nonce-based CSP that names the nonce of every inline script, and no X-Powered-By', async () => {
    const res = await fetch(`${server.url}/login`)
    const csp = res.headers.get('content-security-policy')!
    expect(csp).toContain('frame-ancestors \'none\'')
    expect(csp).toContain('object-src \'none\'')
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!
    const html = await res.text()
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map(m => m[0])
    expect(scripts.length).toBeGreaterThan(0)
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`)
    // A new nonce for each page.
    const again = (await fetch(`${server.url}/login`)).headers.get('content-security-policy')!
    expect(again).not.toContain(nonce)
    for (const path of ['/', '/login', '/api/health', '/api/nope']) {
      expect((await fetch(`${server.url}${path}`)).headers.get('x-powered-by'), path).toBeNull()
    }
  })

  it('sends the same fixed security headers with every /api answer, the first and every one after it', async () => {
    // The server works an API path's rules out once and keeps them for the others (server/request-context.ts).
    const FIXED = ['content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy', 'permissions-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy']
    const fresh = await startServer()
    try {
      const requests: [string, RequestInit?][] = [['/api/health']]
      const seen: Record<string, string | null>[] = []
      const send = async ([path, init]: [string, RequestInit?]) => {
        const res = await fetch(`${fresh.url}${path}`, { ...init, headers: { 'x-forwarded-for': testAddress(), ...init?.headers } })
        seen.push(Object.fromEntries(FIXED.map(name => [name, res.headers.get(name)])))
      }
      await send(requests[0]!)
      const { token } = await signUp(fresh)
      requests.push(
        ['/api/users/me', { headers: { authorization: `Bearer ${token}` } }],
        ['/api/gallery?limit=2', { headers: { authorization: `Bearer ${token}` } }],
        ['/api/users/me'],
        ['/api/nope'],
        ['/%61pi/site'],
        ['/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }],
      )
      for (const request of requests.slice(1)) await send(request)
      expect(seen[0]!['x-frame-options']).toBe('DENY')
      expect(seen[0]!['x-content-type-options']).toBe('nosniff')
      expect(seen[0]!['referrer-policy']).toBe('strict-origin-when-cross-origin')
      for (const [i, headers] of seen.entries()) expect(headers, requests[i]![0]).toEqual(seen[0])
    }
    finally {
      await fresh.stop()
    }
  })

  it('sends HSTS over HTTPS only, as a trusted proxy reports it', async () => {
    const plain = await client(server).raw('/api/health')
    expect(plain.headers.get('strict-transport-security')).toBeNull()
    const https = await client(server).raw('/api/health', { headers: { 'x-forwarded-proto': 'https' } })
    expect(https.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/)
    // From a client that is not a trusted proxy, the header proves nothing.
    const spoofed = await client(direct).raw('/api/health', { headers: { 'x-forwarded-proto': 'https' } })
    expect(spoofed.headers.get('strict-transport-security')).toBeNull()
  })

  it('marks personal answers and signed-in pages no-store, and images private', async () => {
    const email = uniqueEmail()
    const api = client(server)
    const register = await api.raw('/api/register', { method: 'POST', body: { email, password: 'correct-horse-1' } })
    const login = await api.raw<{ token: string }>('/api/login', { method: 'POST', body: { email, password: 'correct-horse-1' } })
    const authed = client(server, login._data!.token)
    const generated = await authed.raw<{ creation: { imageUrl: string, thumbnailUrl: string } }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'a lighthouse' } })
    const gallery = await authed.raw('/api/gallery')
    for (const [name, res] of Object.entries({ register, login, generated, gallery })) {
      expect(res.headers.get('cache-control'), name).toBe('no-store')
    }
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const page = await fetch(`${server.url}/account`, { headers: { cookie } })
    expect(page.status).toBe(200)
    expect(page.headers.get('cache-control')).toBe('no-store')
    for (const url of [generated._data!.creation.imageUrl, generated._data!.creation.thumbnailUrl]) {
      expect((await fetch(`${server.url}${url}`)).headers.get('cache-control'), url).toBe('private, max-age=31536000, immutable')
    }
  })
})

describe('a page requested with a body', () => {
  it('is answered: the API calls made while rendering it are not held waiting for the page\'s body (found by the fuzz: PUT /api/%2e%2e is PUT /)', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await fetch(`${server.url}/`, { method, headers: { 'content-type': 'application/json', 'x-forwarded-for': testAddress() }, body: '-1718489745', signal: AbortSignal.timeout(15_000) })
      expect(res.status, method).toBeLessThan(500)
      expect(await res.text()).toContain('Nano-Banana')
    }
  })
})

describe('8. every /api path in the error format', () => {
  it.each([
    ['/%61pi/users/me', 401, 'UNAUTHORIZED'],
    ['/api/users/%6De', 401, 'UNAUTHORIZED'],
    ['/%61pi/nothing-here', 404, 'NOT_FOUND'],
    ['/API/users/me', 404, 'NOT_FOUND'],
    ['/Api/health', 404, 'NOT_FOUND'],
    ['/api/%2e%2e/users/me', 404, 'NOT_FOUND'],
    ['/api/%2E/health', 404, 'NOT_FOUND'],
    ['/%61pi/%ZZ', 404, 'NOT_FOUND'],
    ['/api/', 404, 'NOT_FOUND'],
    ['/api', 404, 'NOT_FOUND'],
  ])('%s → %i %s', async (path, status, code) => {
    // Sent as written: URL parsers would resolve the dot segments before the server saw them.
    const res = await rawGet(server, path)
    expect(res.status).toBe(status)
    expect(res.headers['content-type']).toMatch(/application\/json/)
    expect(parsed(res.body).error.code).toBe(code)
  })
})
