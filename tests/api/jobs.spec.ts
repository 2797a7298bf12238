// Generation as jobs (issue 14): the async path, its events, the limits, batches.
import { describe, expect, it } from 'vitest'
import type { BatchResponse, Job, JobAccepted } from '../../shared/types/api'
import { execute, jobsOf, ledgerOf } from '../support/db'
import { expectApiError } from '../support/expect'
import { startFakeUpstream, upstreamEnv, type FakeUpstream } from '../support/fake-upstream'
import { withUpstreamServer } from '../support/fixtures'
import { client, signUp, startServer, type TestServer } from '../support/server'
import { readEventStream } from '../support/sse'

let upstream: FakeUpstream
let server: TestServer

withUpstreamServer({ timeoutMs: 20_000 }, (started) => {
  ;({ upstream, server } = started)
})

const ASYNC = { Prefer: 'respond-async' }

function setCredits(target: TestServer, userId: number, credits: number) {
  execute(target.dataDir, 'update users set credits = ? where id = ?', credits, userId)
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`not done in time: ${JSON.stringify(value)}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

const finished = (job: Job) => job.status === 'succeeded' || job.status === 'failed'

describe('the asynchronous path (Prefer: respond-async)', () => {
  it('answers 202 with the job, its URL and the balance after the reservation, then the job succeeds', async () => {
    upstream.fallback = { kind: 'delay', ms: 500, then: { kind: 'b64' } }
    const { api, user } = await signUp(server)
    const res = await api.raw<JobAccepted>('/api/generate/text-to-image', { method: 'POST', headers: ASYNC, body: { prompt: 'a slow sunrise', size: '16:9' } })
    expect(res.status).toBe(202)
    const { job, credits } = res._data!
    expect(credits).toBe(2)
    expect(res.headers.get('location')).toBe(`/api/jobs/${job.id}`)
    expect(res.headers.get('preference-applied')).toBe('respond-async')
    expect(['queued', 'running']).toContain(job.status)
    expect(job).toMatchObject({ kind: 'text-to-image', model: 'nano-banana', size: '16:9', prompt: 'a slow sunrise', n: 1, cost: 1, creations: [], failed: [], error: null, finishedAt: null })

    const done = await until(async () => (await api<{ job: Job }>(`/api/jobs/${job.id}`)).job, finished)
    expect(done.status).toBe('succeeded')
    expect(done.creations).toHaveLength(1)
    expect(done.creations[0]).toMatchObject({ prompt: 'a slow sunrise', size: '16:9', modelUsed: 'nano-banana', userId: user.id })
    expect(done.startedAt).not.toBeNull()
    expect(done.finishedAt).not.toBeNull()
    expect((await api<{ items: { id: number }[] }>('/api/gallery')).items.map(c => c.id)).toEqual([done.creations[0]!.id])
    expect(ledgerOf(server.dataDir, user.id).map(r => [r.delta, r.reason])).toEqual([[3, 'signup'], [-1, 'generation']])
  })

  it('shows a job to its owner only: another user gets 404 for it, its events and in their list', async () => {
    const owner = await signUp(server)
    const other = await signUp(server)
    const { job } = (await owner.api<JobAccepted>('/api/generate/text-to-image', { method: 'POST', headers: ASYNC, body: { prompt: 'mine' } }))
    expectApiError(await other.api.raw(`/api/jobs/${job.id}`), 404, 'NOT_FOUND')
    expectApiError(await other.api.raw(`/api/jobs/${job.id}/events`), 404, 'NOT_FOUND')
    expect((await other.api<{ items: Job[] }>('/api/jobs')).items).toEqual([])
    expectApiError(await client(server).raw(`/api/jobs/${job.id}`), 401, 'UNAUTHORIZED')
    expectApiError(await owner.api.raw('/api/jobs/0'), 400, 'VALIDATION_ERROR')
  })

  it('streams status events as the job moves, then `done` with the picture, then ends', async () => {
    upstream.fallback = { kind: 'delay', ms: 800, then: { kind: 'b64' } }
    const { api, token } = await signUp(server)
    const { job } = await api<JobAccepted>('/api/generate/text-to-image', { method: 'POST', headers: ASYNC, body: { prompt: 'watch me' } })
    const stream = await readEventStream(`${server.url}/api/jobs/${job.id}/events`, { 'authorization': `Bearer ${token}`, 'x-forwarded-for': '10.99.0.1' })
    expect(stream.status).toBe(200)
    expect(stream.contentType).toMatch(/^text\/event-stream/)
    expect(stream.ended).toBe(true)
    const names = stream.events.map(e => e.event)
    expect(names.at(-1)).toBe('done')
    expect(names.slice(0, -1).every(name => name === 'status')).toBe(true)
    expect(names.length).toBeGreaterThanOrEqual(2)
    // Statuses only move forward.
    const order = ['queued', 'running', 'succeeded', 'failed']
    const statuses = stream.events.map(e => order.indexOf((e.data as { job: Job }).job.status))
    expect([...statuses].sort((a, b) => a - b)).toEqual(statuses)
    const done = stream.events.at(-1)!.data as { job: Job, creation: { id: number } | null, error: unknown }
    expect(done.job.status).toBe('succeeded')
    expect(done.creation?.id).toBe(done.job.creations[0]!.id)
    expect(done.error).toBeNull()
  })

  it('answers the stream of a finished job at once with its last status and `done`', async () => {
    const { api, token } = await signUp(server)
    upstream.queue.push({ kind: 'status', status: 500 })
    const { job } = await api<JobAccepted>('/api/generate/text-to-image', { method: 'POST', headers: ASYNC, body: { prompt: 'fails' } })
    await until(async () => (await api<{ job: Job }>(`/api/jobs/${job.id}`)).job, finished)
    const stream = await readEventStream(`${server.url}/api/jobs/${job.id}/events`, { authorization: `Bearer ${token}` })
    expect(stream.events.map(e => e.event)).toEqual(['status', 'done'])
    const done = stream.events[1]!.data as { job: Job, creation: unknown, error: { code: string } }
    expect(done.creation).toBeNull()
    expect(done.error.code).toBe('UPSTREAM_ERROR')
    expect(done.job.status).toBe('failed')
    // The failure was refunded.
    expect((await api<{ credits: number }>('/api/users/me')).credits).toBe(3)
  })

  it('lets a reload find the running job (GET /api/jobs?active=1), and drops it from that list once done', async () => {
    upstream.fallback = { kind: 'delay', ms: 1500, then: { kind: 'b64' } }
    const { api } = await signUp(server)
    const { job } = await api<JobAccepted>('/api/generate/text-to-image', { method: 'POST', headers: ASYNC, body: { prompt: 'still there after a reload' } })
    const active = await api<{ items: Job[] }>('/api/jobs', { query: { active: 1 } })
    expect(active.items.map(j => j.id)).toEqual([job.id])
    expect(['queued', 'running']).toContain(active.items[0]!.status)
    await until(async () => (await api<{ job: Job }>(`/api/jobs/${job.id}`)).job, finished)
    expect((await api<{ items: Job[] }>('/api/jobs', { query: { active: 1 } })).items).toEqual([])
    expect((await api<{ items: Job[] }>('/api/jobs')).items.map(j => [j.id, j.status])).toEqual([[job.id, 'succeeded']])
  })
})

describe('limits', () => {
  it('takes at most four jobs in flight per user (sync or async); the fifth is 429 with Retry-After and charges nothing', async () => {
    upstream.fallback = { kind: 'delay', ms: 2000, then: { kind: 'b64' } }
    const { api, user } = await signUp(server)
    setCredits(server, user.id, 10)
    const accepted = []
    for (let i = 0; i < 4; i++) accepted.push(await api.raw('/api/generate/text-to-image', { method: 'POST', headers: ASYNC, body: { prompt: `job ${i}` } }))
    expect(accepted.map(r => r.status)).toEqual([202, 202, 202, 202])
    const fifth = await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'one too many' } })
    expectApiError(fifth, 429, 'RATE_LIMITED')
    expect(Number(fifth.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await api<{ credits: number }>('/api/users/me')).credits).toBe(6)
    expect(jobsOf(server.dataDir, user.id)).toHaveLength(4)
  })

  it('checks the balance first: 20 parallel requests on 3 credits are 3 × 200 and 17 × 402, never 429', async () => {
    upstream.fallback = { kind: 'delay', ms: 300, then: { kind: 'b64' } }
    const { api, token } = await signUp(server)
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: `race ${i}` } })))
    expect(results.filter(r => r.status === 200)).toHaveLength(3)
    expect(results.filter(r => r.status === 402)).toHaveLength(17)
    expect((await client(server, token)<{ credits: number }>('/api/users/me')).credits).toBe(0)
  })

  it('runs at most NUXT_GENERATION_CONCURRENCY upstream calls at once; the rest wait in order as queued', async () => {
    const slow = await startFakeUpstream()
    slow.fallback = { kind: 'delay', ms: 600, then: { kind: 'b64' } }
    const limited = await startServer({ env: { ...upstreamEnv(slow, 20_000), NUXT_GENERATION_CONCURRENCY: '2' } })
    try {
      const users = await Promise.all([signUp(limited), signUp(limited), signUp(limited)])
      const ids: number[] = []
      for (let i = 0; i < 6; i++) {
        const { job } = await users[i % 3]!.api<JobAccepted>('/api/generate/text-to-image', { method: 'POST', headers: ASYNC, body: { prompt: `queued ${i}` } })
        ids.push(job.id)
      }
      const queued = await users[2]!.api<{ items: Job[] }>('/api/jobs', { query: { active: 1 } })
      expect(queued.items.some(j => j.status === 'queued')).toBe(true)
      const jobs = await Promise.all(ids.map((id, i) => until(async () => (await users[i % 3]!.api<{ job: Job }>(`/api/jobs/${id}`)).job, finished, 20_000)))
      expect(jobs.every(j => j.status === 'succeeded')).toBe(true)
      expect(slow.maxInFlight).toBe(2)
      // First in, first started.
      const started = [...jobs].sort((a, b) => Date.parse(a.startedAt!) - Date.parse(b.startedAt!) || a.id - b.id).map(j => j.id)
      expect(started).toEqual(ids)
    }
    finally {
      await limited.stop()
      await slow.close()
    }
  })
})

describe('batches (n = 1–4)', () => {
  it('reserves n × cost together, makes each picture its own creation and refunds the one that failed', async () => {
    const { api, user, token } = await signUp(server)
    setCredits(server, user.id, 10)
    upstream.queue.push({ kind: 'b64' }, { kind: 'status', status: 500 }, { kind: 'b64' }, { kind: 'b64' })
    const res = await api.raw<BatchResponse>('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'four cats', n: 4 } })
    expect(res.status).toBe(200)
    const body = res._data!
    expect(Object.keys(body).sort()).toEqual(['creation', 'creations', 'credits', 'failed'])
    expect(body.creations).toHaveLength(3)
    expect(body.creation).toEqual(body.creations[0])
    expect(new Set(body.creations.map(c => c.id)).size).toBe(3)
    expect(body.failed).toEqual([{ code: 'UPSTREAM_ERROR', message: expect.any(String) }])
    expect(body.credits).toBe(7)
    expect((await client(server, token)<{ credits: number }>('/api/users/me')).credits).toBe(7)
    expect(ledgerOf(server.dataDir, user.id).slice(1).map(r => [r.delta, r.balance_after, r.reason])).toEqual([[-4, 6, 'generation'], [1, 7, 'refund']])
    expect((await api<{ items: unknown[] }>('/api/gallery')).items).toHaveLength(3)

    // The async job carries the same.
    const { job } = await api<JobAccepted>('/api/generate/text-to-image', { method: 'POST', headers: ASYNC, body: { prompt: 'two dogs', n: 2 } })
    expect(job.cost).toBe(2)
    const done = await until(async () => (await api<{ job: Job }>(`/api/jobs/${job.id}`)).job, finished)
    expect(done.creations).toHaveLength(2)
    expect(done.failed).toEqual([])
  })

  it('answers with the first failure when no picture of the batch was made, everything refunded', async () => {
    const { api, user } = await signUp(server)
    setCredits(server, user.id, 4)
    upstream.fallback = { kind: 'status', status: 400, code: 'content_policy_violation', message: 'Refused by the safety system' }
    const res = await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'forbidden', n: 4 } })
    expectApiError(res, 422, 'CONTENT_REJECTED')
    expect((await api<{ credits: number }>('/api/users/me')).credits).toBe(4)
    expect(ledgerOf(server.dataDir, user.id).slice(1).map(r => [r.delta, r.reason])).toEqual([[-4, 'generation'], [1, 'refund'], [1, 'refund'], [1, 'refund'], [1, 'refund']])
    expect(jobsOf(server.dataDir, user.id)).toEqual([expect.objectContaining({ status: 'failed', error_code: 'CONTENT_REJECTED' })])
  })

  it('refuses n outside 1–4 with 400, and a batch the balance cannot pay with 402, charging nothing', async () => {
    const { api, token } = await signUp(server)
    for (const n of [0, 5, 2.5, 'many']) {
      expectApiError(await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'x', n } }), 400, 'VALIDATION_ERROR')
    }
    const tooDear = await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'x', n: 4 } })
    const error = expectApiError(tooDear, 402, 'INSUFFICIENT_CREDITS') as unknown as { details: { required: number, credits: number } }
    expect(error.details).toEqual({ required: 4, credits: 3 })
    expect((await client(server, token)<{ credits: number }>('/api/users/me')).credits).toBe(3)
  })

  it('makes an image-to-image batch from one upload, each picture from the same reference', async () => {
    const { api } = await signUp(server)
    const sharp = (await import('sharp')).default
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a6' } }).png().toBuffer()
    const form = new FormData()
    form.append('prompt', 'two versions')
    form.append('n', '2')
    form.append('image', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'ref.png')
    const before = upstream.requests.length
    const res = await api.raw<BatchResponse>('/api/generate/image-to-image', { method: 'POST', body: form })
    expect(res.status, JSON.stringify(res._data)).toBe(200)
    expect(res._data!.creations).toHaveLength(2)
    const sent = upstream.requests.slice(before)
    expect(sent.map(r => r.path)).toEqual(['/v1/images/edits', '/v1/images/edits'])
    expect(sent.every(r => r.files.length === 1)).toBe(true)
  })
})
