// Every way a gateway serves the models (issue 14, shared/upstream/GATEWAYS.md), against the fake upstream.
import sharp from 'sharp'
import { beforeEach, describe, expect, it } from 'vitest'
import type { AdminModel, GenerateResponse } from '../../shared/types/api'
import { jobsOf, ledgerOf, query } from '../support/db'
import { expectApiError } from '../support/expect'
import type { Behaviour, FakeUpstream } from '../support/fake-upstream'
import { withUpstreamServer } from '../support/fixtures'
import { client, signUp, type TestServer } from '../support/server'

const ADMIN = { email: 'gateways-admin@example.com', password: 'gateways-admin-1' }

let upstream: FakeUpstream
let server: TestServer
let admin: ReturnType<typeof client>

withUpstreamServer({ timeoutMs: 10_000, env: { NUXT_ADMIN_EMAIL: ADMIN.email, NUXT_ADMIN_PASSWORD: ADMIN.password } }, async (started) => {
  ;({ upstream, server } = started)
  const login = await client(server)<{ token: string }>('/api/login', { method: 'POST', body: ADMIN })
  admin = client(server, login.token)
})
beforeEach(() => setMode('nano-banana', 'images'))

async function setMode(id: string, mode: AdminModel['mode']) {
  const res = await admin.raw(`/api/admin/models/${id}`, { method: 'PATCH', body: { mode } })
  expect(res.status).toBe(200)
}

async function modeOf(id: string) {
  return (await admin<{ items: AdminModel[] }>('/api/admin/models')).items.find(m => m.id === id)!.mode
}

async function reference() {
  return sharp({ create: { width: 80, height: 60, channels: 3, background: '#c33' } }).jpeg().toBuffer()
}

async function imageToImage(api: ReturnType<typeof client>, prompt = 'make it blue') {
  const form = new FormData()
  form.append('prompt', prompt)
  form.append('image', new Blob([new Uint8Array(await reference())], { type: 'image/jpeg' }), 'ref.jpg')
  return api.raw<GenerateResponse>('/api/generate/image-to-image', { method: 'POST', body: form })
}

describe('images mode (generations, and edits for reference images)', () => {
  it('retries an edit the gateway refuses (403) once on generations with the references as data URLs, and remembers that', async () => {
    upstream.refuseEdits = true
    const { api, user } = await signUp(server)
    const before = upstream.requests.length
    const res = await imageToImage(api)
    expect(res.status, JSON.stringify(res._data)).toBe(200)
    const sent = upstream.requests.slice(before)
    expect(sent.map(r => r.path)).toEqual(['/v1/images/edits', '/v1/images/generations'])
    expect(sent[1]!.schemaErrors).toEqual([])
    expect(sent[1]!.fields).toMatchObject({ model: 'nano-banana', prompt: 'make it blue', n: 1, size: '1x1' })
    expect(sent[1]!.files).toHaveLength(1)
    expect((await sharp(sent[1]!.files[0]!.data).metadata()).format).toBe('jpeg')
    // Charged once, nothing refunded: the refused edit cost nothing.
    expect(ledgerOf(server.dataDir, user.id).map(r => r.delta)).toEqual([3, -1])
    expect(await modeOf('nano-banana')).toBe('images-generations')

    // Next time it goes straight to generations.
    const next = upstream.requests.length
    expect((await imageToImage(api, 'again')).status).toBe(200)
    expect(upstream.requests.slice(next).map(r => r.path)).toEqual(['/v1/images/generations'])
  })

  it.each([[404], [405]])('treats %i on edits the same way', async (status) => {
    upstream.queue.push({ kind: 'status', status })
    const { api } = await signUp(server)
    const before = upstream.requests.length
    expect((await imageToImage(api)).status).toBe(200)
    expect(upstream.requests.slice(before).map(r => r.path)).toEqual(['/v1/images/edits', '/v1/images/generations'])
  })

  it('does not retry an edit that failed otherwise (500): refunded, mode unchanged', async () => {
    upstream.queue.push({ kind: 'status', status: 500 })
    const { api, token } = await signUp(server)
    const before = upstream.requests.length
    expectApiError(await imageToImage(api), 502, 'UPSTREAM_ERROR')
    expect(upstream.requests.slice(before).map(r => r.path)).toEqual(['/v1/images/edits'])
    expect((await client(server, token)<{ credits: number }>('/api/users/me')).credits).toBe(3)
    expect(await modeOf('nano-banana')).toBe('images')
  })
})

describe('images-generations mode', () => {
  it('sends text-to-image as plain generations and reference images in its `image` array', async () => {
    await setMode('nano-banana', 'images-generations')
    const { api } = await signUp(server)
    const before = upstream.requests.length
    expect((await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'plain', size: '3:2' } })).status).toBe(200)
    expect((await imageToImage(api)).status).toBe(200)
    const [t2i, i2i] = upstream.requests.slice(before)
    expect(t2i).toMatchObject({ path: '/v1/images/generations', schemaErrors: [] })
    expect(t2i!.fields).toEqual({ model: 'nano-banana', prompt: 'plain', n: 1, size: '3x2' })
    expect(i2i).toMatchObject({ path: '/v1/images/generations', schemaErrors: [] })
    expect(i2i!.files).toHaveLength(1)
  })
})

describe('chat mode (/v1/chat/completions)', () => {
  const shapes: [string, Behaviour][] = [
    ['message.images[].image_url (data URL)', { kind: 'chat-images' }],
    ['a markdown data URL in content', { kind: 'chat-markdown' }],
    ['a markdown https URL in content (downloaded at once)', { kind: 'chat-markdown-url' }],
    ['content parts with an image_url', { kind: 'chat-parts' }],
  ]

  it.each(shapes)('takes the picture from %s', async (_name, behaviour) => {
    await setMode('nano-banana', 'chat')
    upstream.queue.push(behaviour)
    const { api } = await signUp(server)
    const before = upstream.requests.length
    const fetches = upstream.fileFetches
    const res = await api.raw<GenerateResponse>('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'a koi pond', size: '9:16' } })
    expect(res.status, JSON.stringify(res._data)).toBe(200)
    const image = await fetch(`${server.url}${res._data!.creation.imageUrl}`)
    expect(image.status).toBe(200)
    expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).height).toBeGreaterThan(0)
    const sent = upstream.requests.slice(before)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ path: '/v1/chat/completions', schemaErrors: [] })
    expect(sent[0]!.fields).toMatchObject({
      model: 'nano-banana',
      modalities: ['image', 'text'],
      image_config: { aspect_ratio: '9:16' },
      messages: [{ role: 'user', content: [{ type: 'text', text: 'a koi pond' }] }],
    })
    if (behaviour.kind === 'chat-markdown-url') expect(upstream.fileFetches).toBe(fetches + 1)
  })

  it('sends reference images as image_url content parts', async () => {
    await setMode('nano-banana', 'chat')
    const { api } = await signUp(server)
    const before = upstream.requests.length
    expect((await imageToImage(api, 'recolour')).status).toBe(200)
    const sent = upstream.requests.slice(before)[0]!
    expect(sent.path).toBe('/v1/chat/completions')
    expect(sent.schemaErrors).toEqual([])
    expect(sent.files.map(f => f.type)).toEqual(['image/jpeg'])
  })

  it('treats an answer with words but no picture as 422 CONTENT_REJECTED with the model\'s words, refunded', async () => {
    await setMode('nano-banana', 'chat')
    upstream.queue.push({ kind: 'text', text: 'I cannot draw that, it shows a real person.' })
    const { api, user, token } = await signUp(server)
    const error = expectApiError(await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'a famous face' } }), 422, 'CONTENT_REJECTED')
    expect(error.message).toBe('I cannot draw that, it shows a real person.')
    expect((await client(server, token)<{ credits: number }>('/api/users/me')).credits).toBe(3)
    expect(ledgerOf(server.dataDir, user.id).map(r => [r.delta, r.reason])).toEqual([[3, 'signup'], [-1, 'generation'], [1, 'refund']])
    expect(jobsOf(server.dataDir, user.id)).toEqual([expect.objectContaining({ status: 'failed', error_code: 'CONTENT_REJECTED' })])
  })
})

describe('what a creation records', () => {
  it('keeps the public model id and the upstream model name it was made with', async () => {
    const res = await admin.raw('/api/admin/models/nano-banana-hd', { method: 'PATCH', body: { upstreamModel: 'gemini-2.5-flash-image-hd' } })
    expect(res.status).toBe(200)
    const { api } = await signUp(server)
    const made = await api<GenerateResponse>('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'named', model: 'nano-banana-hd' } })
    expect(made.creation.modelUsed).toBe('nano-banana-hd')
    expect(upstream.requests.at(-1)!.fields.model).toBe('gemini-2.5-flash-image-hd')
    expect(query(server.dataDir, 'select model_used, upstream_model from creations where id = ?', made.creation.id)).toEqual([{ model_used: 'nano-banana-hd', upstream_model: 'gemini-2.5-flash-image-hd' }])
  })
})
