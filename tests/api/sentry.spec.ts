// Error tracking (issue 10): with NUXT_PUBLIC_SENTRY_DSN set, a server error reaches Sentry (here a
// fake ingestion server speaking Sentry's envelope protocol); without it, nothing is sent or loaded.
import { createServer, type Server } from 'node:http'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectApiError } from '../support/expect'
import { client, startServer, uniqueEmail, type TestServer } from '../support/server'

interface Received { path: string, auth: string, body: string }
let ingest: Server
const received: Received[] = []
let dsn = ''

beforeAll(async () => {
  ingest = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString() : raw.toString()
      received.push({ path: req.url ?? '', auth: String(req.headers['x-sentry-auth'] ?? ''), body })
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>(resolve => ingest.listen(0, '127.0.0.1', resolve))
  const { port } = ingest.address() as { port: number }
  dsn = `http://publickey123@127.0.0.1:${port}/42`
})
afterAll(() => new Promise(resolve => ingest.close(resolve)))

/** Breaks the server's database so the next write fails with a 500, as in the start-up tests. */
function breakDatabase(server: TestServer) {
  for (const file of ['nano-banana.db', 'nano-banana.db-wal', 'nano-banana.db-shm']) {
    try {
      writeFileSync(join(server.dataDir, file), 'this is not a database '.repeat(500))
    }
    catch { /* absent */ }
  }
}

describe('error tracking', () => {
  it('sends a server error to the DSN\'s project with its request id, and lets pages talk to Sentry\'s host', async () => {
    const server = await startServer({ env: { NUXT_PUBLIC_SENTRY_DSN: dsn } })
    try {
      const page = await client(server).raw('/', { responseType: 'text' })
      expect(page.headers.get('content-security-policy')).toContain(`connect-src 'self' ${new URL(dsn).origin}`)
      breakDatabase(server)
      const res = await client(server).raw('/api/register', { method: 'POST', body: { email: uniqueEmail(), password: 'password-123' } })
      const error = expectApiError(res, 500, 'INTERNAL_ERROR')
      await expect.poll(() => received.find(r => r.body.includes(error.requestId as string)), { timeout: 10_000 }).toBeTruthy()
      const sent = received.find(r => r.body.includes(error.requestId as string))!
      expect(sent.path.split('?')[0]).toBe('/api/42/envelope/')
      expect(`${sent.path} ${sent.auth}`).toContain('sentry_key=publickey123')
      expect(sent.body).toContain('"type":"event"')
      // Nothing a user sent goes along: not the body, not the address, not the session.
      expect(sent.body).not.toContain('password-123')
      expect(sent.body).not.toContain('@example.com')
      expect(sent.body).not.toMatch(/cookie|authorization|x-forwarded-for/i)
    }
    finally {
      await server.stop()
    }
  })

  it('is off without NUXT_PUBLIC_SENTRY_DSN: nothing sent, the CSP unchanged', async () => {
    const before = received.length
    const server = await startServer()
    try {
      const page = await client(server).raw('/', { responseType: 'text' })
      expect(page.headers.get('content-security-policy')).toContain('connect-src \'self\';')
      breakDatabase(server)
      expectApiError(await client(server).raw('/api/register', { method: 'POST', body: { email: uniqueEmail(), password: 'password-123' } }), 500, 'INTERNAL_ERROR')
      await new Promise(resolve => setTimeout(resolve, 1000))
      expect(received.length).toBe(before)
    }
    finally {
      await server.stop()
    }
  })
})
