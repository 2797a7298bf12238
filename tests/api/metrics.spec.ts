// Monitoring (issue 10): GET /metrics in Prometheus's text format, behind NUXT_METRICS_TOKEN.
import { describe, expect, it } from 'vitest'
import { expectApiError } from '../support/expect'
import { withUpstreamServer } from '../support/fixtures'
import type { FakeUpstream } from '../support/fake-upstream'
import { client, signUp, startServer, testAddress, type TestServer } from '../support/server'

const TOKEN = 'metrics-token-for-the-tests-0123456789'
let upstream: FakeUpstream
let server: TestServer

withUpstreamServer({ timeoutMs: 5_000, env: { NUXT_METRICS_TOKEN: TOKEN } }, (started) => {
  ;({ upstream, server } = started)
})

async function scrape(): Promise<string> {
  const res = await fetch(`${server.url}/metrics`, { headers: { 'Authorization': `Bearer ${TOKEN}`, 'X-Forwarded-For': testAddress() } })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  expect(res.headers.get('cache-control')).toBe('no-store')
  return res.text()
}

/** The value of one sample (`name{labels} value`), 0 when the series is not there yet. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`)
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    const have = (match[2] ?? '').split(',').filter(Boolean)
    if (wanted.every(label => have.includes(label))) return Number(match[3])
  }
  return 0
}

describe('GET /metrics', () => {
  it('needs the Bearer token: none or a wrong one is 401 in the API error format', async () => {
    const none = await client(server).raw('/metrics')
    expectApiError(none, 401, 'UNAUTHORIZED')
    expect(none.headers.get('www-authenticate')).toContain('Bearer')
    expectApiError(await client(server, `${TOKEN}x`).raw('/metrics'), 401, 'UNAUTHORIZED')
    expectApiError(await client(server, 'short').raw('/metrics'), 401, 'UNAUTHORIZED')
  })

  it('counts requests by route pattern and status, with latency histograms, and Node\'s own figures', async () => {
    const before = await scrape()
    const { api } = await signUp(server)
    for (let i = 0; i < 3; i++) expect((await api.raw('/api/gallery')).status).toBe(200)
    expectApiError(await api.raw('/api/jobs/999999'), 404, 'NOT_FOUND')
    const after = await scrape()
    const gallery = { method: 'GET', route: '/api/gallery', status: '200' }
    expect(sample(after, 'nano_banana_http_requests_total', gallery) - sample(before, 'nano_banana_http_requests_total', gallery)).toBe(3)
    // The pattern, not the path: one series for every job id.
    expect(sample(after, 'nano_banana_http_requests_total', { route: '/api/jobs/:id', status: '404' })).toBeGreaterThanOrEqual(1)
    expect(after).not.toContain('/api/jobs/999999')
    expect(sample(after, 'nano_banana_http_request_duration_seconds_count', gallery)).toBeGreaterThanOrEqual(3)
    expect(sample(after, 'nano_banana_http_request_duration_seconds_bucket', { ...gallery, le: '+Inf' })).toBe(sample(after, 'nano_banana_http_request_duration_seconds_count', gallery))
    expect(sample(after, 'process_resident_memory_bytes')).toBeGreaterThan(0)
    expect(after).toContain('nano_banana_event_loop_delay_seconds{quantile="0.99"}')
  })

  it('counts generations by model and outcome, the model\'s latency, credits spent and refunded, and jobs in flight', async () => {
    const before = await scrape()
    const { api } = await signUp(server)
    expect((await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'counted' } })).status).toBe(200)
    upstream.queue.push({ kind: 'status', status: 500, message: 'boom' })
    expect((await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'refunded' } })).status).toBe(502)

    upstream.fallback = { kind: 'delay', ms: 1500, then: { kind: 'b64' } }
    const slow = await api.raw('/api/generate/text-to-image', { method: 'POST', headers: { Prefer: 'respond-async' }, body: { prompt: 'in flight' } })
    expect(slow.status).toBe(202)
    const during = await scrape()
    expect(sample(during, 'nano_banana_jobs', { status: 'running' }) + sample(during, 'nano_banana_jobs', { status: 'queued' })).toBeGreaterThanOrEqual(1)

    const delta = (name: string, labels: Record<string, string> = {}) => sample(during, name, labels) - sample(before, name, labels)
    expect(delta('nano_banana_generations_total', { model: 'nano-banana', outcome: 'succeeded' })).toBe(1)
    expect(delta('nano_banana_generations_total', { model: 'nano-banana', outcome: 'UPSTREAM_ERROR' })).toBe(1)
    expect(delta('nano_banana_upstream_duration_seconds_count', { model: 'nano-banana', outcome: 'succeeded' })).toBe(1)
    expect(delta('nano_banana_credits_spent_total')).toBe(3)
    expect(delta('nano_banana_credits_refunded_total')).toBe(1)
  })
})

describe('GET /metrics without NUXT_METRICS_TOKEN', () => {
  it('is off: 404 in the API error format, whatever the Authorization header says', async () => {
    const plain = await startServer()
    try {
      expectApiError(await client(plain).raw('/metrics'), 404, 'NOT_FOUND')
      expectApiError(await client(plain, '').raw('/metrics'), 404, 'NOT_FOUND')
      expectApiError(await client(plain, 'anything').raw('/metrics'), 404, 'NOT_FOUND')
    }
    finally {
      await plain.stop()
    }
  })
})
