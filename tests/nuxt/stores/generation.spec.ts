import type { Job, JobAccepted } from '#shared/types/api'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { type H3Event, getQuery, readBody, setResponseStatus } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useGalleryStore } from '~/stores/gallery'
import { useGenerationStore } from '~/stores/generation'
import { useUserStore } from '~/stores/user'
import { apiError, creation, deferred, job, user } from '../../support/nuxt'

/** The browser's EventSource, driven by the test: it sends the events the server would. */
class FakeEventSource extends EventTarget {
  static opened: FakeEventSource[] = []
  closed = false
  constructor(readonly url: string) {
    super()
    FakeEventSource.opened.push(this)
  }

  send(name: 'status' | 'done', job: Job) {
    this.dispatchEvent(new MessageEvent(name, { data: JSON.stringify(name === 'done' ? { job, creation: job.creations[0] ?? null, error: job.error } : { job }) }))
  }

  fail() {
    this.dispatchEvent(new Event('error'))
  }

  close() {
    this.closed = true
  }
}
vi.stubGlobal('EventSource', FakeEventSource)
// A finished job asks for the balance before it shows: on a busy machine that takes more than waitFor's default second.
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 10_000 })
const stream = (jobId: number) => FakeEventSource.opened.findLast(s => s.url === `/api/jobs/${jobId}/events`)

interface Sent { path: string, json?: unknown }
const sent: Sent[] = []
// The test environment's fetch hands a FormData body to the endpoint empty: the form is read where the app passes it on.
const fetchSpy = vi.spyOn(globalThis, '$fetch')
let hold: Promise<void> = Promise.resolve()
let accept: (event: H3Event) => unknown = () => ({ job: job(7, { prompt: 'a lighthouse', cost: 2 }), credits: 1 } satisfies JobAccepted)
let serverCredits = 3
let activeJobs: Job[] = []
const jobsById = new Map<number, Job[]>()

registerEndpoint('/api/generate/text-to-image', {
  method: 'POST',
  handler: async (event) => {
    sent.push({ path: '/api/generate/text-to-image', json: await readBody(event) })
    await hold
    return accept(event)
  },
})
registerEndpoint('/api/generate/image-to-image', {
  method: 'POST',
  handler: (event) => {
    sent.push({ path: '/api/generate/image-to-image' })
    return accept(event)
  },
})
registerEndpoint('/api/users/me', () => user({ credits: serverCredits }))
registerEndpoint('/api/jobs', (event) => {
  expect(getQuery(event)).toEqual({ active: '1' })
  return { items: activeJobs }
})
// GET /api/jobs/7 and /api/jobs/8 answer their queued states in turn, the last one again and again.
for (const id of [7, 8]) {
  registerEndpoint(`/api/jobs/${id}`, (event) => {
    const states = jobsById.get(id) ?? []
    if (!states.length) {
      setResponseStatus(event, 404)
      return apiError('NOT_FOUND')
    }
    return { job: states.length > 1 ? states.shift() : states[0] }
  })
}
registerEndpoint('/api/gallery', () => ({ items: [creation(5), creation(4)], nextCursor: null }))

async function formParts(body: unknown) {
  if (!(body instanceof FormData)) throw new Error('expected a FormData body')
  return Promise.all([...body.entries()].map(async ([name, value]) => (typeof value === 'string'
    ? { name, text: value }
    : { name, filename: value.name, type: value.type, text: await value.text() })))
}

const textInput = { kind: 'text-to-image', prompt: 'a lighthouse', model: 'nano-banana-hd', size: '16:9', n: 1, images: [] } as const

describe('generation store', () => {
  beforeEach(() => {
    sent.length = 0
    FakeEventSource.opened.length = 0
    hold = Promise.resolve()
    accept = () => ({ job: job(7, { prompt: 'a lighthouse', cost: 2 }), credits: 1 } satisfies JobAccepted)
    serverCredits = 3
    activeJobs = []
    jobsById.clear()
    useGenerationStore().reset()
    useUserStore().user = user({ credits: 3 })
    const gallery = useGalleryStore()
    gallery.reset()
    gallery.loaded = true
    gallery.items = [creation(5)]
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('asks for a job as JSON with Prefer: respond-async; the balance follows the 202, the run follows the job\'s events to its picture', async () => {
    const generation = useGenerationStore()
    await generation.start({ ...textInput, n: 1 })
    expect(sent).toEqual([{ path: '/api/generate/text-to-image', json: { prompt: 'a lighthouse', model: 'nano-banana-hd', size: '16:9', n: 1 } }])
    // The test environment's fetch does not pass request headers on to the endpoint: they are read where the app hands them over.
    expect(fetchSpy.mock.calls.find(([url]) => url === '/api/generate/text-to-image')?.[1]).toMatchObject({ method: 'POST', headers: { Prefer: 'respond-async' } })
    expect(useUserStore().credits).toBe(1)
    expect(generation.runs).toHaveLength(1)
    expect(generation.runs[0]).toMatchObject({ jobId: 7, status: 'queued', creations: [] })
    expect(generation.active).toHaveLength(1)

    const events = stream(7)!
    events.send('status', job(7, { status: 'running', startedAt: new Date().toISOString() }))
    expect(generation.runs[0]!.status).toBe('running')

    serverCredits = 1
    events.send('done', job(7, { status: 'succeeded', cost: 2, creations: [creation(9, { prompt: 'a lighthouse' })], finishedAt: new Date().toISOString() }))
    await eventually(() => expect(generation.runs[0]!.status).toBe('succeeded'))
    expect(events.closed).toBe(true)
    expect(generation.active).toEqual([])
    expect(generation.lastResult?.creations.map(c => c.id)).toEqual([9])
    expect(generation.runs[0]!.finishedAt).not.toBeNull()
    expect(useGalleryStore().items.map(c => c.id)).toEqual([9, 5])
    expect(generation.recent.map(c => c.id)).toEqual([9])
  })

  it('sends image-to-image as multipart: the text fields with n, and one image part per file', async () => {
    const generation = useGenerationStore()
    const images = [new File(['first'], 'a.png', { type: 'image/png' }), new File(['second'], 'b.webp', { type: 'image/webp' })]
    await generation.start({ kind: 'image-to-image', prompt: 'make it snow', model: 'nano-banana', size: '1:1', n: 2, images })
    expect(sent.map(r => r.path)).toEqual(['/api/generate/image-to-image'])
    const call = fetchSpy.mock.calls.find(([url]) => url === '/api/generate/image-to-image')
    expect(call?.[1]).toMatchObject({ method: 'POST', headers: { Prefer: 'respond-async' } })
    expect(await formParts(call?.[1]?.body)).toEqual([
      { name: 'prompt', text: 'make it snow' },
      { name: 'model', text: 'nano-banana' },
      { name: 'size', text: '1:1' },
      { name: 'n', text: '2' },
      { name: 'image', filename: 'a.png', type: 'image/png', text: 'first' },
      { name: 'image', filename: 'b.webp', type: 'image/webp', text: 'second' },
    ])
    expect(generation.runs[0]!.input).toEqual({ kind: 'image-to-image', prompt: 'make it snow', model: 'nano-banana', size: '1:1', n: 2 })
  })

  it('is sending until the server accepts, and counts the clock from the click until the job ends', async () => {
    const generation = useGenerationStore()
    const answer = deferred()
    hold = answer.promise
    const accepted = generation.start({ ...textInput })
    expect(generation.sending).toBe(true)
    const run = generation.runs[0]!
    expect(run.status).toBe('sending')
    run.startedAt -= 1500
    // The clock ticks every 100 ms: its next tick reads 1.5 s since the click.
    await eventually(() => expect(generation.elapsed(run)).toBeGreaterThanOrEqual(1.5))
    answer.resolve()
    await accepted
    expect(generation.sending).toBe(false)

    stream(7)!.send('done', job(7, { status: 'succeeded', creations: [creation(9)], finishedAt: new Date().toISOString() }))
    await eventually(() => expect(generation.runs[0]!.status).toBe('succeeded'))
    const stopped = generation.elapsed(generation.runs[0]!)
    expect(stopped).toBeGreaterThanOrEqual(1.5)
    await new Promise(r => setTimeout(r, 150))
    expect(generation.elapsed(generation.runs[0]!)).toBe(stopped)
  })

  it('a failed job: the balance is asked for again before the failure shows, in words, with the credits given back', async () => {
    const generation = useGenerationStore()
    await generation.start({ ...textInput })
    expect(useUserStore().credits).toBe(1)
    serverCredits = 3
    stream(7)!.send('done', job(7, { status: 'failed', cost: 2, error: { code: 'UPSTREAM_TIMEOUT', message: 'The image service did not answer in time.' }, finishedAt: new Date().toISOString() }))
    await eventually(() => expect(generation.runs[0]!.status).toBe('failed'))
    // Refreshed first: whoever sees the failure sees the balance it gave back.
    expect(useUserStore().credits).toBe(3)
    expect(generation.runs[0]).toMatchObject({ refunded: 2, error: { code: 'UPSTREAM_TIMEOUT', message: '图片服务响应超时，积分已退回，请稍后重试。' } })
    expect(generation.failures.map(r => r.id)).toEqual([generation.runs[0]!.id])
    generation.dismiss(generation.runs[0]!.id)
    expect(generation.failures).toEqual([])
  })

  it('a batch shows every picture made, and lists the failed ones with their share of the credits given back', async () => {
    const generation = useGenerationStore()
    accept = () => ({ job: job(7, { n: 3, cost: 6 }), credits: 0 })
    await generation.start({ ...textInput, n: 3 })
    const events = stream(7)!
    events.send('status', job(7, { status: 'running', n: 3, cost: 6, creations: [creation(10)] }))
    expect(generation.runs[0]!.creations.map(c => c.id)).toEqual([10])
    events.send('done', job(7, {
      status: 'succeeded',
      n: 3,
      cost: 6,
      creations: [creation(10), creation(11)],
      failed: [{ code: 'CONTENT_REJECTED', message: 'I cannot draw that.' }],
      finishedAt: new Date().toISOString(),
    }))
    await eventually(() => expect(generation.runs[0]!.status).toBe('succeeded'))
    const run = generation.runs[0]!
    expect(run.creations.map(c => c.id)).toEqual([10, 11])
    expect(run.failed).toEqual([{ code: 'CONTENT_REJECTED', message: '模型拒绝了这个请求，请修改提示词后重试。积分已退回。', detail: 'I cannot draw that.' }])
    expect(run.refunded).toBe(2)
    expect(run.error).toBeNull()
    expect(generation.recent.map(c => c.id)).toEqual([10, 11])
  })

  it('when the event stream fails, asks for the job every 2 s until it has ended', async () => {
    const generation = useGenerationStore()
    await generation.start({ ...textInput })
    jobsById.set(7, [job(7, { status: 'running' }), job(7, { status: 'succeeded', creations: [creation(12)], finishedAt: new Date().toISOString() })])
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    stream(7)!.fail()
    expect(stream(7)!.closed).toBe(true)
    await eventually(() => expect(generation.runs[0]!.status).toBe('running'))
    expect(jobsById.get(7)).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(2000)
    await eventually(() => expect(generation.runs[0]!.status).toBe('succeeded'))
    expect(generation.runs[0]!.creations.map(c => c.id)).toEqual([12])
  })

  it('resumes the jobs the server still runs (once each, their clock from the job\'s creation), and settles a job that ended unseen', async () => {
    const generation = useGenerationStore()
    await generation.start({ ...textInput })
    const createdAt = new Date(Date.now() - 20_000).toISOString()
    activeJobs = [job(8, { status: 'running', prompt: 'from another tab', size: '3:4', n: 2, createdAt })]
    jobsById.set(7, [job(7, { status: 'succeeded', creations: [creation(13)], finishedAt: new Date().toISOString() })])
    await generation.resume()
    await generation.resume()
    expect(generation.runs.map(r => r.jobId)).toEqual([7, 8])
    const resumed = generation.runs.find(r => r.jobId === 8)!
    expect(resumed).toMatchObject({ status: 'running', input: { kind: 'text-to-image', prompt: 'from another tab', model: 'nano-banana', size: '3:4', n: 2 } })
    expect(generation.elapsed(resumed)).toBeCloseTo(20, 0)
    expect(FakeEventSource.opened.filter(s => s.url === '/api/jobs/8/events')).toHaveLength(1)
    // Job 7 was not listed: it had ended while nobody looked.
    expect(generation.runs.find(r => r.jobId === 7)).toMatchObject({ status: 'succeeded', creations: [{ id: 13 }] })
  })

  it('a refused request leaves a failed run with the translated error; a 402 leaves none and fetches the balance', async () => {
    const generation = useGenerationStore()
    accept = (event) => {
      setResponseStatus(event, 429)
      return apiError('RATE_LIMITED')
    }
    await generation.start({ ...textInput })
    expect(generation.runs[0]).toMatchObject({ status: 'failed', refunded: 0, error: { code: 'RATE_LIMITED', message: '请求过于频繁，请稍后再试。' } })
    expect(FakeEventSource.opened).toEqual([])

    generation.reset()
    serverCredits = 0
    accept = (event) => {
      setResponseStatus(event, 402)
      return apiError('INSUFFICIENT_CREDITS')
    }
    await generation.start({ ...textInput })
    expect(useUserStore().credits).toBe(0)
    expect(generation.runs).toEqual([])
  })

  it('feeds the recent pictures from the server, less the last result on show; forgets a deleted creation everywhere', async () => {
    const generation = useGenerationStore()
    await generation.loadRecent()
    expect(generation.recentLoaded).toBe(true)
    expect(generation.feed.map(c => c.id)).toEqual([5, 4])

    await generation.start({ ...textInput })
    stream(7)!.send('done', job(7, { status: 'succeeded', creations: [creation(9)], finishedAt: new Date().toISOString() }))
    await eventually(() => expect(generation.lastResult?.creations.map(c => c.id)).toEqual([9]))
    expect(generation.recent.map(c => c.id)).toEqual([9, 5, 4])
    expect(generation.feed.map(c => c.id)).toEqual([5, 4])

    generation.forgetCreation(9)
    expect(generation.lastResult).toBeNull()
    expect(generation.recent.map(c => c.id)).toEqual([5, 4])
  })

  it('a remix link clears finished runs but not a running one', async () => {
    const generation = useGenerationStore()
    await generation.start({ ...textInput })
    stream(7)!.send('done', job(7, { status: 'succeeded', creations: [creation(9)], finishedAt: new Date().toISOString() }))
    await eventually(() => expect(generation.runs[0]!.status).toBe('succeeded'))
    accept = () => ({ job: job(8), credits: 1 })
    await generation.start({ ...textInput })
    generation.clearFinished()
    expect(generation.runs.map(r => [r.jobId, r.status])).toEqual([[8, 'queued']])
  })
})
