import type { GenerateResponse } from '#shared/types/api'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { type H3Event, getRequestHeader, readBody, setResponseStatus } from 'h3'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useGalleryStore } from '~/stores/gallery'
import { useGenerationStore } from '~/stores/generation'
import { useUserStore } from '~/stores/user'
import { apiError, creation, deferred, user } from '../../support/nuxt'

interface Sent { path: string, contentType?: string, json?: unknown }
const sent: Sent[] = []
// The test environment's fetch hands a FormData body to the endpoint empty: the form is read where the app passes it on.
const fetchSpy = vi.spyOn(globalThis, '$fetch')
let hold: Promise<void> = Promise.resolve()
let reply: (event: H3Event) => unknown = () => ({ creation: creation(7), credits: 2 } satisfies GenerateResponse)
let serverCredits = 3

registerEndpoint('/api/generate/text-to-image', {
  method: 'POST',
  handler: async (event) => {
    sent.push({ path: '/api/generate/text-to-image', contentType: getRequestHeader(event, 'content-type'), json: await readBody(event) })
    await hold
    return reply(event)
  },
})
registerEndpoint('/api/generate/image-to-image', {
  method: 'POST',
  handler: async (event) => {
    sent.push({ path: '/api/generate/image-to-image' })
    await hold
    return reply(event)
  },
})

async function formParts(body: unknown) {
  if (!(body instanceof FormData)) throw new Error('expected a FormData body')
  return Promise.all([...body.entries()].map(async ([name, value]) => (typeof value === 'string'
    ? { name, text: value }
    : { name, filename: value.name, type: value.type, text: await value.text() })))
}
registerEndpoint('/api/users/me', () => user({ credits: serverCredits }))

const textInput = { kind: 'text-to-image', prompt: 'a lighthouse', model: 'nano-banana-hd', size: '16:9', images: [] } as const

describe('generation store', () => {
  beforeEach(() => {
    sent.length = 0
    hold = Promise.resolve()
    reply = () => ({ creation: creation(7, { prompt: 'a lighthouse' }), credits: 2 } satisfies GenerateResponse)
    useGenerationStore().reset()
    useUserStore().user = user({ credits: 3 })
    const gallery = useGalleryStore()
    gallery.reset()
    gallery.loaded = true
    gallery.items = [creation(5)]
  })

  it('sends text-to-image as JSON; on success the run holds the creation, the balance follows the answer and the gallery shows it first', async () => {
    const generation = useGenerationStore()
    await generation.start({ ...textInput })
    expect(sent).toEqual([{ path: '/api/generate/text-to-image', contentType: expect.stringContaining('application/json'), json: { prompt: 'a lighthouse', model: 'nano-banana-hd', size: '16:9' } }])
    expect(generation.latest).toMatchObject({ status: 'succeeded', error: null, creation: { id: 7 } })
    expect(generation.lastCreation?.id).toBe(7)
    expect(useUserStore().credits).toBe(2)
    expect(useGalleryStore().items.map(c => c.id)).toEqual([7, 5])
  })

  it('sends image-to-image as multipart: the text fields and one image part per file, with its name and type', async () => {
    const generation = useGenerationStore()
    const images = [new File(['first'], 'a.png', { type: 'image/png' }), new File(['second'], 'b.webp', { type: 'image/webp' })]
    await generation.start({ kind: 'image-to-image', prompt: 'make it snow', model: 'nano-banana', size: '1:1', images })
    expect(sent).toEqual([{ path: '/api/generate/image-to-image' }])
    const call = fetchSpy.mock.calls.find(([url]) => url === '/api/generate/image-to-image')
    expect(call?.[1]?.method).toBe('POST')
    expect(await formParts(call?.[1]?.body)).toEqual([
      { name: 'prompt', text: 'make it snow' },
      { name: 'model', text: 'nano-banana' },
      { name: 'size', text: '1:1' },
      { name: 'image', filename: 'a.png', type: 'image/png', text: 'first' },
      { name: 'image', filename: 'b.webp', type: 'image/webp', text: 'second' },
    ])
    expect(generation.latest?.status).toBe('succeeded')
  })

  it('shows a run as running, with its clock going, until the answer comes; then the clock stops', async () => {
    const generation = useGenerationStore()
    const answer = deferred()
    hold = answer.promise
    const done = generation.start({ ...textInput })
    expect(generation.busy).toBe(true)
    const run = generation.running!
    expect(run.status).toBe('running')
    await new Promise(r => setTimeout(r, 350))
    expect(generation.elapsed(run)).toBeGreaterThanOrEqual(0.3)
    answer.resolve()
    await done
    expect(generation.busy).toBe(false)
    expect(generation.running).toBeNull()
    const stopped = generation.elapsed(generation.latest!)
    await new Promise(r => setTimeout(r, 150))
    expect(generation.elapsed(generation.latest!)).toBe(stopped)
  })

  it('keeps an API error on the failed run, translated; the balance and the last picture stay; dismissing puts the error away', async () => {
    const generation = useGenerationStore()
    await generation.start({ ...textInput })
    reply = (event) => {
      setResponseStatus(event, 502)
      return apiError('UPSTREAM_ERROR', 'upstream said no')
    }
    await generation.start({ ...textInput })
    const failed = generation.latest!
    expect(failed.status).toBe('failed')
    expect(failed.error).toMatchObject({ code: 'UPSTREAM_ERROR', status: 502, message: '图片服务暂时出错，积分已退回，请稍后重试。' })
    expect(useUserStore().credits).toBe(2)
    expect(generation.lastCreation?.id).toBe(7)
    generation.dismiss(failed.id)
    expect(generation.latest?.status).toBe('succeeded')
  })

  it('on a 402 asks the server for the balance and leaves no failed run behind (the generate bar explains it)', async () => {
    const generation = useGenerationStore()
    serverCredits = 0
    reply = (event) => {
      setResponseStatus(event, 402)
      return apiError('INSUFFICIENT_CREDITS')
    }
    await generation.start({ ...textInput })
    expect(useUserStore().credits).toBe(0)
    expect(generation.runs).toEqual([])
  })

  it('forgets a deleted creation, and a remix link clears finished runs but not a running one', async () => {
    const generation = useGenerationStore()
    await generation.start({ ...textInput })
    generation.forgetCreation(7)
    expect(generation.lastCreation).toBeNull()

    await generation.start({ ...textInput })
    const answer = deferred()
    hold = answer.promise
    const done = generation.start({ ...textInput })
    generation.clearFinished()
    expect(generation.runs.map(r => r.status)).toEqual(['running'])
    answer.resolve()
    await done
  })
})
