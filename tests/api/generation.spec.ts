import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { imageFiles, imageFilesAddedSince, jobsOf, ledgerOf } from '../support/db'
import { expectApiError } from '../support/expect'
import { startFakeUpstream, upstreamEnv, type Behaviour, type FakeUpstream } from '../support/fake-upstream'
import { withUpstreamServer } from '../support/fixtures'
import { selfSignedCertificate } from '../support/nginx'
import { client, signUp, startServer, tempDir, type TestServer } from '../support/server'

let upstream: FakeUpstream
let server: TestServer

// `auto` with a key set: the OpenAI-compatible provider.
withUpstreamServer({ timeoutMs: 1500, env: { NUXT_IMAGE_PROVIDER: 'auto' } }, (started) => {
  ;({ upstream, server } = started)
})

const ALL_SIZES = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9']
const CREATION_KEYS = ['createdAt', 'favorite', 'height', 'id', 'imageUrl', 'kind', 'modelUsed', 'prompt', 'size', 'thumbnailUrl', 'userId', 'width']

async function balance(token: string, on: TestServer = server) {
  return (await client(on, token)<{ credits: number }>('/api/users/me')).credits
}

describe('text-to-image through an OpenAI-compatible API', () => {
  it('sends a schema-valid request, keeps the image and returns the creation and the balance', async () => {
    const { api, user, token } = await signUp(server)
    const before = upstream.requests.length
    const res = await api.raw<{ creation: Record<string, unknown>, credits: number }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: '  a red fox in snow  ' } })
    expect(res.status).toBe(200)
    const { creation, credits } = res._data!
    expect(credits).toBe(2)
    expect(Object.keys(creation).sort()).toEqual(CREATION_KEYS)
    expect(creation).toMatchObject({ userId: user.id, prompt: 'a red fox in snow', modelUsed: 'nano-banana', size: '1:1', kind: 'text-to-image', width: 256, height: 256 })

    const sent = upstream.requests.slice(before)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ path: '/v1/images/generations', authorization: `Bearer ${upstream.apiKey}`, schemaErrors: [] })
    expect(sent[0]!.fields).toEqual({ model: 'nano-banana', prompt: 'a red fox in snow', n: 1, size: '1x1' })

    // The image and its thumbnail are ours, loadable without a token, with the right headers.
    for (const [url, type] of [[creation.imageUrl, 'image/png'], [creation.thumbnailUrl, 'image/webp']] as const) {
      expect(url).toMatch(/^\/images\/[\w-]{22}(_thumb)?\.(png|webp)$/)
      const file = await fetch(`${server.url}${url}`)
      expect(file.status).toBe(200)
      expect(file.headers.get('content-type')).toBe(type)
      expect(file.headers.get('x-content-type-options')).toBe('nosniff')
      expect(file.headers.get('cache-control')).toBe('private, max-age=31536000, immutable')
      const meta = await sharp(Buffer.from(await file.arrayBuffer())).metadata()
      expect(meta.width).toBeGreaterThan(0)
    }
    expect(ledgerOf(server.dataDir, user.id).map(r => [r.delta, r.balance_after, r.reason])).toEqual([[3, 3, 'signup'], [-1, 2, 'generation']])
    expect(jobsOf(server.dataDir, user.id)).toEqual([expect.objectContaining({ status: 'succeeded', cost: 1, creation_id: creation.id })])
    expect(await balance(token)).toBe(2)
  })

  it('downloads a URL answer at once (it expires) and sends sizes as openai-hk takes them', async () => {
    upstream.queue.push({ kind: 'url' })
    const { api } = await signUp(server)
    const fetchesBefore = upstream.fileFetches
    const res = await api.raw<{ creation: { imageUrl: string, width: number, height: number, modelUsed: string }, credits: number }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'wide shot', model: 'nano-banana-hd', size: '16:9' } })
    expect(res.status).toBe(200)
    expect(res._data!.credits).toBe(1)
    expect(res._data!.creation).toMatchObject({ modelUsed: 'nano-banana-hd', width: 256, height: 144 })
    expect(upstream.requests.at(-1)!.fields).toMatchObject({ model: 'nano-banana-hd', size: '16x9', n: 1 })
    expect(upstream.fileFetches).toBe(fetchesBefore + 1)
    expect(res._data!.creation.imageUrl).not.toContain(upstream.url)
    // The upstream URL is dead now; ours still serves the image.
    expect((await fetch(`${server.url}${res._data!.creation.imageUrl}`)).status).toBe(200)
  })

  it('reads an answer the gateway compressed although it was asked not to', async () => {
    const { api } = await signUp(server)
    upstream.queue.push({ kind: 'gzip' })
    const res = await api.raw<{ creation: { imageUrl: string } }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'squeezed' } })
    expect(res.status).toBe(200)
    const image = await fetch(`${server.url}${res._data!.creation.imageUrl}`)
    expect(image.headers.get('content-type')).toBe('image/png')
    expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).format).toBe('png')
  })

  it('keeps every picture of a burst byte for byte, answers of different sizes read into reused memory', async () => {
    // Each answer is a different picture of random pixels, large and small in turn, so that a buffer
    // reused for the next answer while a picture still needed it would show as a wrong picture.
    const sides = [640, 160, 480, 96, 560, 200, 400, 128, 600, 240, 320, 64]
    upstream.queue.push(...sides.map(noise => ({ kind: 'b64' as const, noise })))
    const before = upstream.pictures.length
    const users = await Promise.all(sides.slice(0, sides.length / 2).map(() => signUp(server)))
    const answers = await Promise.all(users.flatMap(({ api }) => [1, 2].map(n => api<{ creation: { imageUrl: string, width: number } }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: `burst ${n}` } }))))
    const sent = upstream.pictures.slice(before)
    expect(sent).toHaveLength(sides.length)
    const kept = await Promise.all(answers.map(async ({ creation }) => Buffer.from(await (await fetch(`${server.url}${creation.imageUrl}`)).arrayBuffer())))
    const hex = (pictures: Buffer[]) => pictures.map(picture => picture.toString('hex')).sort()
    expect(hex(kept)).toEqual(hex(sent))
    expect(answers.map(({ creation }) => creation.width).sort((a, b) => a - b)).toEqual([...sides].sort((a, b) => a - b))
  })

  it.each(['2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '21:9'])('passes size %s upstream as WxH', async (size) => {
    const { api } = await signUp(server)
    const res = await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'shape', size } })
    expect(res.status).toBe(200)
    expect(upstream.requests.at(-1)!.fields.size).toBe(size.replace(':', 'x'))
  })
})

describe('every upstream failure refunds the credit and leaves nothing behind', () => {
  const failures: [string, Behaviour, number, string][] = [
    ['a 500', { kind: 'status', status: 500 }, 502, 'UPSTREAM_ERROR'],
    ['a 503', { kind: 'status', status: 503 }, 502, 'UPSTREAM_ERROR'],
    ['a 401 (bad key on their side)', { kind: 'status', status: 401, code: 'invalid_api_key', type: 'invalid_request_error' }, 502, 'UPSTREAM_ERROR'],
    ['a 429', { kind: 'status', status: 429, code: 'rate_limit_exceeded', type: 'requests' }, 429, 'RATE_LIMITED'],
    ['a content policy refusal', { kind: 'status', status: 400, code: 'content_policy_violation', type: 'invalid_request_error' }, 422, 'CONTENT_REJECTED'],
    ['a moderation block', { kind: 'status', status: 400, code: 'moderation_blocked', type: 'invalid_request_error' }, 422, 'CONTENT_REJECTED'],
    ['no answer (timeout)', { kind: 'hang' }, 504, 'UPSTREAM_TIMEOUT'],
    ['a slow URL answer past the timeout', { kind: 'delay', ms: 1700, then: { kind: 'b64' } }, 504, 'UPSTREAM_TIMEOUT'],
    ['truncated JSON', { kind: 'truncated' }, 502, 'UPSTREAM_ERROR'],
    ['an answer declaring 200 MB (refused before reading it)', { kind: 'oversized' }, 502, 'UPSTREAM_ERROR'],
    ['an empty data list', { kind: 'empty' }, 422, 'CONTENT_REJECTED'],
    ['an image URL answering 403', { kind: 'url-403' }, 502, 'UPSTREAM_ERROR'],
    ['bytes that are not an image', { kind: 'not-image' }, 502, 'UPSTREAM_ERROR'],
  ]

  it.each(failures)('on %s', async (_name, behaviour, status, code) => {
    const { api, user, token } = await signUp(server)
    const filesBefore = imageFiles(server.dataDir)
    upstream.queue.push(behaviour)
    const res = await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'a lighthouse' } })
    const error = expectApiError(res, status, code)
    expect(error.message).not.toContain(upstream.url)
    expect(await balance(token)).toBe(3)
    expect(ledgerOf(server.dataDir, user.id).map(r => [r.delta, r.balance_after, r.reason])).toEqual([[3, 3, 'signup'], [-1, 2, 'generation'], [1, 3, 'refund']])
    const [job] = jobsOf(server.dataDir, user.id)
    expect(job).toMatchObject({ status: 'failed', error_code: code, creation_id: null })
    expect(imageFilesAddedSince(server.dataDir, filesBefore)).toEqual([])
    expect((await api<{ items: unknown[] }>('/api/gallery')).items).toEqual([])
  })
})

describe('credits', () => {
  it('answers 402 INSUFFICIENT_CREDITS without calling the model once the balance is spent', async () => {
    const { api, token, user } = await signUp(server)
    for (let i = 0; i < 3; i++) expect((await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: `n${i}` } })).status).toBe(200)
    const before = upstream.requests.length
    expectApiError(await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'one more' } }), 402, 'INSUFFICIENT_CREDITS')
    expect(upstream.requests.length).toBe(before)
    expect(await balance(token)).toBe(0)
    expect(ledgerOf(server.dataDir, user.id).filter(r => r.reason === 'generation')).toHaveLength(3)
  })

  it('answers 402 for the HD model (2 credits) with 1 credit left, and 1 credit still buys the standard one', async () => {
    const { api, token } = await signUp(server)
    expect((await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'hd', model: 'nano-banana-hd' } })).status).toBe(200)
    expectApiError(await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'hd', model: 'nano-banana-hd' } }), 402, 'INSUFFICIENT_CREDITS')
    expect((await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'sd' } })).status).toBe(200)
    expect(await balance(token)).toBe(0)
  })

  it('lets exactly 3 of 20 parallel requests through with 3 credits, never overspending', async () => {
    upstream.fallback = { kind: 'delay', ms: 150, then: { kind: 'b64' } }
    const { api, token, user } = await signUp(server)
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: `race ${i}` } })))
    const statuses = results.map(r => r.status).sort()
    expect(statuses.filter(s => s === 200)).toHaveLength(3)
    expect(statuses.filter(s => s === 402)).toHaveLength(17)
    expect(await balance(token)).toBe(0)
    expect((await api<{ items: unknown[] }>('/api/gallery')).items).toHaveLength(3)
    const ledger = ledgerOf(server.dataDir, user.id)
    expect(ledger.at(-1)!.balance_after).toBe(0)
    expect(ledger.every(r => r.balance_after >= 0)).toBe(true)
  })
})

describe('bad input changes nothing', () => {
  it.each([
    ['no prompt', {}],
    ['an empty prompt', { prompt: '' }],
    ['a prompt of spaces', { prompt: '   ' }],
    ['a prompt over 4000 characters', { prompt: 'x'.repeat(4001) }],
    ['an unknown model', { prompt: 'x', model: 'dall-e-3' }],
    ['an unknown size', { prompt: 'x', size: '7:5' }],
    ['a size in pixels', { prompt: 'x', size: '1024x1024' }],
    ['a prompt that is not text', { prompt: 42 }],
  ])('rejects %s with 400', async (_name, body) => {
    const { api, token } = await signUp(server)
    const before = upstream.requests.length
    expectApiError(await api.raw('/api/generate/text-to-image', { method: 'POST', body }), 400, 'VALIDATION_ERROR')
    expect(upstream.requests.length).toBe(before)
    expect(await balance(token)).toBe(3)
  })

  it('accepts a prompt of exactly 4000 characters', async () => {
    const { api } = await signUp(server)
    expect((await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: '画'.repeat(4000) } })).status).toBe(200)
  })

  it('requires a signed-in user for every generation and gallery route', async () => {
    const anon = client(server)
    expectApiError(await anon.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'x' } }), 401, 'UNAUTHORIZED')
    const form = new FormData()
    form.append('prompt', 'x')
    expectApiError(await anon.raw('/api/generate/image-to-image', { method: 'POST', body: form }), 401, 'UNAUTHORIZED')
    expectApiError(await anon.raw('/api/gallery'), 401, 'UNAUTHORIZED')
    expectApiError(await anon.raw('/api/gallery/1'), 401, 'UNAUTHORIZED')
    expectApiError(await anon.raw('/api/gallery/1', { method: 'DELETE' }), 401, 'UNAUTHORIZED')
  })
})

describe('GET /api/models', () => {
  it('lists the catalogue, the sizes and the provider in use', async () => {
    const res = await client(server)<Record<string, unknown>>('/api/models')
    expect(res).toEqual({
      models: [
        { id: 'nano-banana', label: expect.any(String), cost: 1, supportsImageInput: true, maxInputImages: 3, sizes: ALL_SIZES },
        { id: 'nano-banana-hd', label: expect.any(String), cost: 2, supportsImageInput: true, maxInputImages: 3, sizes: ALL_SIZES },
      ],
      sizes: ALL_SIZES,
      provider: 'openai',
    })
  })
})

describe('a gateway over HTTPS, as every real one is', () => {
  it('generates through it, downloading a URL answer over HTTPS too, and refuses a certificate it cannot trust', async () => {
    const tls = selfSignedCertificate(tempDir())
    const upstream = await startFakeUpstream(undefined, { tls })
    const trusting = await startServer({ env: { ...upstreamEnv(upstream), NODE_EXTRA_CA_CERTS: tls.certFile } })
    const wary = await startServer({ env: upstreamEnv(upstream) })
    try {
      const { api } = await signUp(trusting)
      for (const behaviour of [{ kind: 'b64' }, { kind: 'url' }] satisfies Behaviour[]) {
        upstream.queue.push(behaviour)
        const { creation } = await api<{ creation: { imageUrl: string } }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: `over https, ${behaviour.kind}` } })
        expect((await fetch(`${trusting.url}${creation.imageUrl}`)).status).toBe(200)
      }
      expect(upstream.requests.map(r => r.path)).toEqual(['/v1/images/generations', '/v1/images/generations'])
      expect(upstream.fileFetches).toBe(1)

      // The same gateway, from a server that does not know its certificate: refused and refunded.
      const other = await signUp(wary)
      expectApiError(await other.api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'untrusted' } }), 502, 'UPSTREAM_ERROR')
      expect(await balance(other.token, wary)).toBe(3)
      expect(upstream.requests).toHaveLength(2)
    }
    finally {
      await Promise.all([trusting.stop(), wary.stop()])
      await upstream.close()
    }
  })
})
