// A model that takes three minutes, through Nginx left at its default timeouts (60 s between two reads
// from the app): the asynchronous path still delivers, because the event stream's heartbeats keep the
// proxied connection busy (issue 14).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Job, JobAccepted } from '../../shared/types/api'
import { startFakeUpstream, upstreamEnv, type FakeUpstream } from '../support/fake-upstream'
import { request, startNginx, type RunningNginx } from '../support/nginx'
import { startServer, uniqueEmail, type TestServer } from '../support/server'

const MODEL_TAKES_MS = 180_000

let upstream: FakeUpstream
let app: TestServer
let nginx: RunningNginx

beforeAll(async () => {
  upstream = await startFakeUpstream()
  upstream.fallback = { kind: 'delay', ms: MODEL_TAKES_MS, then: { kind: 'b64' } }
  app = await startServer({ env: { ...upstreamEnv(upstream, 300_000), NUXT_TRUST_PROXY: '127.0.0.1' } })
  // The site as shipped, minus every proxy_read_timeout: Nginx's default of 60 s applies everywhere.
  nginx = await startNginx({ upstreamPort: app.port, site: site => site.replace(/^\s*proxy_read_timeout\s[^;]*;\n/gm, '') })
})
afterAll(async () => {
  await nginx?.stop()
  await app?.stop()
  await upstream?.close()
})

function parseEvents(text: string) {
  const events: { event: string, data: unknown }[] = []
  let heartbeats = 0
  for (const block of text.split('\n\n')) {
    if (block.startsWith(': heartbeat')) heartbeats++
    const event = /^event: (.+)$/m.exec(block)?.[1]
    const data = /^data: (.+)$/m.exec(block)?.[1]
    if (event && data) events.push({ event, data: JSON.parse(data) })
  }
  return { events, heartbeats }
}

describe('a three-minute generation behind Nginx with default timeouts', () => {
  it('arrives over the event stream: heartbeats keep it open, no 504', { timeout: MODEL_TAKES_MS + 60_000 }, async () => {
    const email = uniqueEmail('slow')
    const password = 'correct-horse-1'
    expect((await request(`${nginx.httpsUrl}/api/register`, { body: { email, password } })).status).toBe(201)
    const { token } = (await request(`${nginx.httpsUrl}/api/login`, { body: { email, password } })).json<{ token: string }>()
    const auth = { authorization: `Bearer ${token}` }

    const accepted = await request(`${nginx.httpsUrl}/api/generate/text-to-image`, { headers: { ...auth, prefer: 'respond-async' }, body: { prompt: 'a very slow model' } })
    expect(accepted.status).toBe(202)
    const { job } = accepted.json<JobAccepted>()

    const stream = await request(`${nginx.httpsUrl}/api/jobs/${job.id}/events`, { headers: { ...auth, accept: 'text/event-stream' } })
    expect(stream.status).toBe(200)
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/)
    const { events, heartbeats } = parseEvents(stream.text())
    // One every 15 s for three minutes: the stream stayed open well past Nginx's 60 s.
    expect(heartbeats).toBeGreaterThanOrEqual(10)
    const done = events.at(-1)!
    expect(done.event).toBe('done')
    expect((done.data as { job: Job }).job.status).toBe('succeeded')
    expect((done.data as { creation: { imageUrl: string } }).creation.imageUrl).toMatch(/^\/images\//)
    expect(nginx.errorLog()).not.toMatch(/upstream timed out/)
  })
})
