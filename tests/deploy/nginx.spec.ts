import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import { get as httpsGet } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, upstreamEnv, type FakeUpstream } from '../support/fake-upstream'
import { checkConfig, request, startNginx, type RawResponse, type RunningNginx } from '../support/nginx'
import { freePort, ROOT, signUp, startServer, uniqueEmail, type TestServer } from '../support/server'

// The built app behind Debian's real Nginx running deploy/nginx/nano-banana.conf, over HTTPS.
const HSTS = 'max-age=63072000; includeSubDomains'
const PASSWORD = 'correct-horse-1'

let upstream: FakeUpstream
let app: TestServer
let nginx: RunningNginx
let slow: Promise<RawResponse>
let slowToken: string

async function until(ready: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 50))
  }
}

/** The app's own log line for a request, found by the X-Request-Id it answered with. */
async function appLogFor(requestId: string) {
  const find = () => app.logs.map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>
    }
    catch {
      return undefined
    }
  }).find(entry => entry?.requestId === requestId)
  await until(() => find() !== undefined, `the app's log line for ${requestId}`)
  return find()!
}

function sha(data: Buffer) {
  return createHash('sha256').update(data).digest('hex')
}

function bearer(token: string) {
  return { authorization: `Bearer ${token}` }
}

/** Nginx's error answers: the API's format, with Nginx's own request id (32 hex digits, not the app's UUID). */
function expectNginxApiError(res: RawResponse, status: number, code: string) {
  expect(res.status, res.text()).toBe(status)
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  const { error } = res.json<{ error: { code: string, message: string, timestamp: string, requestId: string } }>()
  expect(error.code).toBe(code)
  expect(error.message.length).toBeGreaterThan(0)
  expect(Number.isNaN(Date.parse(error.timestamp))).toBe(false)
  expect(error.requestId).toMatch(/^[0-9a-f]{32}$/)
  expect(res.headers['x-request-id']).toBe(error.requestId)
  expect(res.headers['cache-control']).toBe('no-store')
  return error
}

beforeAll(async () => {
  upstream = await startFakeUpstream()
  app = await startServer({ env: { ...upstreamEnv(upstream, 300_000), NUXT_TRUST_PROXY: '127.0.0.1' } })
  nginx = await startNginx({ upstreamPort: app.port })

  // A generation whose model takes 90 s starts first and runs while the other checks do; the last test
  // collects it. It is the only request queued upstream until it has arrived there.
  slowToken = (await signUp(app)).token
  const before = upstream.requests.length
  upstream.queue.push({ kind: 'delay', ms: 90_000, then: { kind: 'b64' } })
  slow = request(`${nginx.httpsUrl}/api/generate/text-to-image`, { headers: bearer(slowToken), body: { prompt: 'a slow sunrise' } })
  slow.catch(() => { /* asserted in its test */ })
  await until(() => upstream.requests.length > before, 'the slow generation to reach the upstream')
})

afterAll(async () => {
  await nginx?.stop()
  await app?.stop()
  await upstream?.close()
})

describe('deploy/nginx/nano-banana.conf in front of the built app', () => {
  it('passes nginx -t without a warning', () => {
    const { status, output } = checkConfig(nginx)
    expect(status, output).toBe(0)
    expect(output).toMatch(/syntax is ok/)
    expect(output).toMatch(/test is successful/)
    expect(output).not.toMatch(/\[(warn|emerg|alert|crit)\]/)
  })

  it('redirects HTTP to HTTPS, except Let\'s Encrypt\'s challenges', async () => {
    const res = await request(`${nginx.httpUrl}/gallery?page=2`)
    expect(res.status).toBe(301)
    expect(res.headers.location).toBe('https://127.0.0.1/gallery?page=2')

    const challenges = join(nginx.settings.acmeDir, '.well-known/acme-challenge')
    mkdirSync(challenges, { recursive: true })
    writeFileSync(join(challenges, 'token-123'), 'token-123.key-authorization')
    const challenge = await request(`${nginx.httpUrl}/.well-known/acme-challenge/token-123`)
    expect(challenge.status).toBe(200)
    expect(challenge.text()).toBe('token-123.key-authorization')
  })

  it('serves the home page over HTTPS with HSTS, compressed, with the app\'s own headers', async () => {
    const res = await request(`${nginx.httpsUrl}/`, { headers: { 'accept-encoding': 'gzip' } })
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.headers['strict-transport-security']).toBe(HSTS)
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(res.headers['x-frame-options']).toBe('DENY')
    expect(res.headers.server).toBe('nginx')
    expect(gunzipSync(res.body).toString()).toMatch(/<html[^>]*>/)
  })

  it('serves /_nuxt/ assets from disk with immutable caching, but not the build manifest or a missing file', async () => {
    const home = gunzipSync((await request(`${nginx.httpsUrl}/`, { headers: { 'accept-encoding': 'gzip' } })).body).toString()
    const assets = [...new Set([...home.matchAll(/\/_nuxt\/[\w.-]+\.(?:js|css)/g)].map(m => m[0]))]
    expect(assets.length).toBeGreaterThan(0)
    const largest = assets.map(path => ({ path, size: statSync(join(ROOT, '.output/public', path)).size })).sort((a, b) => b.size - a.size)[0]!

    const plain = await request(`${nginx.httpsUrl}${largest.path}`)
    expect(plain.status).toBe(200)
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(plain.headers['strict-transport-security']).toBe(HSTS)
    expect(plain.headers['x-content-type-options']).toBe('nosniff')
    expect(sha(plain.body)).toBe(sha(readFileSync(join(ROOT, '.output/public', largest.path))))
    // Nginx's ETag for a file on disk: its modification time and size, in hex.
    const stat = statSync(join(ROOT, '.output/public', largest.path))
    expect(plain.headers.etag).toBe(`"${Math.floor(stat.mtimeMs / 1000).toString(16)}-${stat.size.toString(16)}"`)

    const zipped = await request(`${nginx.httpsUrl}${largest.path}`, { headers: { 'accept-encoding': 'gzip' } })
    expect(zipped.headers['content-encoding']).toBe('gzip')
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/)
    expect(sha(gunzipSync(zipped.body))).toBe(sha(plain.body))

    // The browser app polls this file to notice a new release: a year of caching would hide every upgrade.
    const manifest = await request(`${nginx.httpsUrl}/_nuxt/builds/latest.json`)
    expect(manifest.status).toBe(200)
    expect(manifest.headers['cache-control']).toBe('public, max-age=1, immutable')
    expect(manifest.json()).toEqual(JSON.parse(readFileSync(join(ROOT, '.output/public/_nuxt/builds/latest.json'), 'utf8')))

    const missing = await request(`${nginx.httpsUrl}/_nuxt/no-such-chunk.js`)
    expect(missing.status).toBe(404)
    expect(missing.headers['cache-control']).toBeUndefined()
  })

  let token = ''
  it('signs up and signs in through the proxy', async () => {
    const email = uniqueEmail('nginx')
    const registered = await request(`${nginx.httpsUrl}/api/register`, { body: { email, password: PASSWORD } })
    expect(registered.status, registered.text()).toBe(201)
    expect(registered.headers['strict-transport-security']).toBe(HSTS)
    const login = await request(`${nginx.httpsUrl}/api/login`, { body: { email, password: PASSWORD } })
    expect(login.status, login.text()).toBe(200)
    token = login.json<{ token: string }>().token
    const me = await request(`${nginx.httpsUrl}/api/users/me`, { headers: bearer(token) })
    expect(me.status).toBe(200)
    expect(me.json<{ email: string, credits: number }>()).toMatchObject({ email, credits: 3 })
  })

  it('makes a picture through the proxy; the picture and its thumbnail keep the app\'s cache headers', async () => {
    const res = await request(`${nginx.httpsUrl}/api/generate/text-to-image`, { headers: bearer(token), body: { prompt: 'a lighthouse at dusk', size: '16:9' } })
    expect(res.status, res.text()).toBe(200)
    const { creation, credits } = res.json<{ creation: { imageUrl: string, thumbnailUrl: string }, credits: number }>()
    expect(credits).toBe(2)

    for (const url of [creation.imageUrl, creation.thumbnailUrl]) {
      const direct = await request(`${app.url}${url}`)
      const proxied = await request(`${nginx.httpsUrl}${url}`)
      expect(proxied.status).toBe(200)
      expect(proxied.headers['cache-control']).toBe(direct.headers['cache-control'])
      expect(proxied.headers['cache-control']).toMatch(/max-age=31536000/)
      expect(proxied.headers['cache-control']).toMatch(/immutable/)
      expect(proxied.headers['content-type']).toBe(direct.headers['content-type'])
      expect(proxied.headers['strict-transport-security']).toBe(HSTS)
      expect(sha(proxied.body)).toBe(sha(direct.body))
    }
  })

  it('passes a 5 MB image-to-image upload to the app whole', async () => {
    const side = 1300
    const photo = await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer()
    expect(photo.length).toBeGreaterThan(5 * 1024 * 1024)
    const form = new FormData()
    form.append('prompt', 'make it a mosaic')
    form.append('image', new Blob([new Uint8Array(photo)], { type: 'image/png' }), 'noise.png')
    const before = upstream.requests.length

    const res = await request(`${nginx.httpsUrl}/api/generate/image-to-image`, { headers: bearer(token), body: form })
    expect(res.status, res.text()).toBe(200)
    expect(res.json<{ credits: number }>().credits).toBe(1)
    const sent = upstream.requests.slice(before)
    expect(sent.map(r => r.path)).toEqual(['/v1/images/edits'])
    const received = await sharp(sent[0]!.files[0]!.data).metadata()
    expect([received.width, received.height]).toEqual([side, side])
  })

  it('refuses an upload over 32 MB itself, with 413 in the API\'s JSON format', async () => {
    const form = new FormData()
    form.append('prompt', 'too much')
    form.append('image', new Blob([new Uint8Array(33 * 1024 * 1024)], { type: 'image/png' }), 'huge.png')
    const res = await request(`${nginx.httpsUrl}/api/generate/image-to-image`, { headers: bearer(token), body: form })
    expectNginxApiError(res, 413, 'PAYLOAD_TOO_LARGE')
    expect(res.headers['strict-transport-security']).toBe(HSTS)
  })

  it('answers in the API\'s JSON format when the app is down', async () => {
    const down = await startNginx({ upstreamPort: await freePort() })
    try {
      expectNginxApiError(await request(`${down.httpsUrl}/api/health`), 502, 'SERVICE_UNAVAILABLE')
      // Pages keep Nginx's own page.
      expect((await request(`${down.httpsUrl}/`)).headers['content-type']).toMatch(/^text\/html/)
    }
    finally {
      await down.stop()
    }
  })

  it('answers a sign-in burst beyond its limit with 429 before the app sees it', async () => {
    // A Nginx of its own, so its rate-limit zone starts empty and the other tests cannot fill it.
    const burst = await startNginx({ upstreamPort: app.port })
    try {
      const { email } = await signUp(app)
      const answers = await Promise.all(Array.from({ length: 30 }, () =>
        request(`${burst.httpsUrl}/api/login`, { body: { email, password: PASSWORD } })))
      const statuses = answers.map(a => a.status)
      expect(statuses.every(s => s === 200 || s === 429), statuses.join(' ')).toBe(true)
      const refused = answers.filter(a => a.status === 429)
      expect(refused.length).toBeGreaterThan(0)
      expect(statuses.filter(s => s === 200).length).toBeGreaterThan(0)
      for (const res of refused) {
        expectNginxApiError(res, 429, 'RATE_LIMITED')
        expect(res.headers['retry-after']).toBe('60')
      }
    }
    finally {
      await burst.stop()
    }
  })

  // The client is 127.0.0.2 so that the app can tell it from Nginx (127.0.0.1, the trusted proxy).
  it('lets the app see the client\'s address from X-Forwarded-For', async () => {
    const res = await request(`${nginx.httpsUrl}/api/health`, { localAddress: '127.0.0.2' })
    expect(res.status).toBe(200)
    const line = await appLogFor(String(res.headers['x-request-id']))
    expect(line.ip).toBe('127.0.0.2')
  })

  it('does not let a client choose its address with its own X-Forwarded-For', async () => {
    const res = await request(`${nginx.httpsUrl}/api/health`, { localAddress: '127.0.0.2', headers: { 'x-forwarded-for': '6.6.6.6' } })
    expect(res.status).toBe(200)
    const line = await appLogFor(String(res.headers['x-request-id']))
    expect(line.ip).toBe('127.0.0.2')
  })

  it('keeps a 90 s generation going until the picture arrives', { timeout: 150_000 }, async () => {
    const res = await slow
    expect(res.status, res.text()).toBe(200)
    const { creation, credits } = res.json<{ creation: { imageUrl: string }, credits: number }>()
    expect(credits).toBe(2)
    expect((await request(`${nginx.httpsUrl}${creation.imageUrl}`)).status).toBe(200)
    expect(nginx.errorLog()).not.toMatch(/upstream timed out/)
  })
})

describe('proxying, seen from a stand-in app', () => {
  // Records what Nginx sends; /api/jobs/<id>/events streams one event, then a second once told to.
  const seen: { path: string, httpVersion: string, headers: IncomingHttpHeaders }[] = []
  let pending: ServerResponse | undefined
  const standIn = createServer((req, res) => {
    seen.push({ path: req.url ?? '', httpVersion: req.httpVersion, headers: req.headers })
    if (/^\/api\/jobs\/[^/]+\/events$/.test(req.url ?? '')) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
      res.write('data: one\n\n')
      pending = res
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{}')
  })
  let proxy: RunningNginx

  beforeAll(async () => {
    await new Promise<void>(resolve => standIn.listen(0, '127.0.0.1', () => resolve()))
    proxy = await startNginx({ upstreamPort: (standIn.address() as AddressInfo).port })
  })
  afterAll(async () => {
    await proxy?.stop()
    standIn.closeAllConnections()
    await new Promise(resolve => standIn.close(resolve))
  })

  it('tells the app the host, the scheme and the client\'s address, over kept-alive HTTP/1.1', async () => {
    const res = await request(`${proxy.httpsUrl}/api/models`, { localAddress: '127.0.0.2', headers: { 'x-forwarded-for': '6.6.6.6' } })
    expect(res.status).toBe(200)
    const { httpVersion, headers } = seen.find(s => s.path === '/api/models')!
    expect(httpVersion).toBe('1.1')
    expect(headers.host).toBe('127.0.0.1')
    expect(headers['x-forwarded-proto']).toBe('https')
    expect(headers['x-real-ip']).toBe('127.0.0.2')
    // Nginx appends the address it saw; what the client claimed stays on the left, for the app to ignore.
    expect(headers['x-forwarded-for']).toBe('6.6.6.6, 127.0.0.2')
    expect(headers.connection).toBeUndefined()
  })

  it('passes Server-Sent Events on as they are written, with the same headers', async () => {
    // The second event is only sent once the first has arrived: were Nginx buffering, this would never end.
    const body = await new Promise<string>((resolve, reject) => {
      httpsGet(`${proxy.httpsUrl}/api/jobs/42/events`, { rejectUnauthorized: false, localAddress: '127.0.0.2', headers: { accept: 'text/event-stream' } }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          text += chunk
          if (text === 'data: one\n\n') {
            pending!.write('data: two\n\n')
            pending!.end()
          }
        })
        res.on('end', () => resolve(text))
        res.on('error', reject)
      }).on('error', reject)
    })
    expect(body).toBe('data: one\n\ndata: two\n\n')
    const { httpVersion, headers } = seen.find(s => s.path === '/api/jobs/42/events')!
    expect(httpVersion).toBe('1.1')
    expect(headers).toMatchObject({ 'host': '127.0.0.1', 'x-forwarded-proto': 'https', 'x-real-ip': '127.0.0.2', 'x-forwarded-for': '127.0.0.2' })
    expect(headers.connection).toBeUndefined()
  })
})
