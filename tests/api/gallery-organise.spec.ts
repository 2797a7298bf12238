// A gallery people can organise (issue 9): search, filters, favourites; and what the home page may say.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Creation, GenerateResponse, Page, SiteInfo } from '../../shared/types/api'
import { expectApiError } from '../support/expect'
import { client, signUp, startServer, type TestServer } from '../support/server'

let server: TestServer
let owner: Awaited<ReturnType<typeof signUp>>
const made: Creation[] = []

beforeAll(async () => {
  server = await startServer({ env: { NUXT_SIGNUP_CREDITS: '6' } })
  owner = await signUp(server)
  const requests = [
    { prompt: 'a red fox in the snow', model: 'nano-banana' },
    { prompt: 'a fox cub, 100% cute_', model: 'nano-banana-hd' },
    { prompt: '雪山上的狐狸', model: 'nano-banana' },
    { prompt: 'a lighthouse at dusk', model: 'nano-banana' },
  ]
  for (const body of requests) made.push((await owner.api<GenerateResponse>('/api/generate/text-to-image', { method: 'POST', body })).creation)
})
afterAll(() => server?.stop())

const prompts = (page: Page<Creation>) => page.items.map(c => c.prompt)

describe('GET /api/gallery, narrowed', () => {
  it('finds creations by words of their prompt, case-insensitively, % and _ taken literally, in any script', async () => {
    expect(prompts(await owner.api<Page<Creation>>('/api/gallery', { query: { q: 'FOX' } }))).toEqual(['a fox cub, 100% cute_', 'a red fox in the snow'])
    expect(prompts(await owner.api<Page<Creation>>('/api/gallery', { query: { q: '100%' } }))).toEqual(['a fox cub, 100% cute_'])
    expect(prompts(await owner.api<Page<Creation>>('/api/gallery', { query: { q: '_' } }))).toEqual(['a fox cub, 100% cute_'])
    expect(prompts(await owner.api<Page<Creation>>('/api/gallery', { query: { q: '狐狸' } }))).toEqual(['雪山上的狐狸'])
    expect(prompts(await owner.api<Page<Creation>>('/api/gallery', { query: { q: 'unicorn' } }))).toEqual([])
  })

  it('filters by model and kind, and pages through a narrowed list', async () => {
    expect(prompts(await owner.api<Page<Creation>>('/api/gallery', { query: { model: 'nano-banana-hd' } }))).toEqual(['a fox cub, 100% cute_'])
    expect((await owner.api<Page<Creation>>('/api/gallery', { query: { kind: 'image-to-image' } })).items).toEqual([])
    const first = await owner.api<Page<Creation>>('/api/gallery', { query: { model: 'nano-banana', limit: 2 } })
    expect(prompts(first)).toEqual(['a lighthouse at dusk', '雪山上的狐狸'])
    const second = await owner.api<Page<Creation>>('/api/gallery', { query: { model: 'nano-banana', limit: 2, cursor: first.nextCursor! } })
    expect(prompts(second)).toEqual(['a red fox in the snow'])
    expect(second.nextCursor).toBeNull()
    expectApiError(await owner.api.raw('/api/gallery', { query: { kind: 'video' } }), 400, 'VALIDATION_ERROR')
    expectApiError(await owner.api.raw('/api/gallery', { query: { q: 'x'.repeat(201) } }), 400, 'VALIDATION_ERROR')
  })
})

describe('favourites', () => {
  it('marks and unmarks a creation (PATCH {favorite}) and lists the favourites with ?favorite=1', async () => {
    const target = made[1]!
    const marked = await owner.api.raw<Creation>(`/api/gallery/${target.id}`, { method: 'PATCH', body: { favorite: true } })
    expect(marked.status).toBe(200)
    expect(marked._data).toMatchObject({ id: target.id, favorite: true })
    expect((await owner.api<Creation>(`/api/gallery/${target.id}`)).favorite).toBe(true)
    expect((await owner.api<Page<Creation>>('/api/gallery', { query: { favorite: 1 } })).items.map(c => c.id)).toEqual([target.id])
    expect((await owner.api<Page<Creation>>('/api/gallery', { query: { favorite: 0 } })).items.map(c => c.id)).not.toContain(target.id)
    await owner.api(`/api/gallery/${target.id}`, { method: 'PATCH', body: { favorite: false } })
    expect((await owner.api<Page<Creation>>('/api/gallery', { query: { favorite: 1 } })).items).toEqual([])
  })

  it('touches only the owner\'s creations, and takes only a boolean', async () => {
    const stranger = await signUp(server)
    expectApiError(await stranger.api.raw(`/api/gallery/${made[0]!.id}`, { method: 'PATCH', body: { favorite: true } }), 404, 'NOT_FOUND')
    expect((await owner.api<Creation>(`/api/gallery/${made[0]!.id}`)).favorite).toBe(false)
    expectApiError(await owner.api.raw(`/api/gallery/${made[0]!.id}`, { method: 'PATCH', body: { favorite: 'yes' } }), 400, 'VALIDATION_ERROR')
    expectApiError(await client(server).raw(`/api/gallery/${made[0]!.id}`, { method: 'PATCH', body: { favorite: true } }), 401, 'UNAUTHORIZED')
  })
})

describe('GET /api/site', () => {
  it('tells anyone how many credits a new account gets, the provider and the version', async () => {
    const res = await client(server).raw<SiteInfo>('/api/site')
    expect(res.status).toBe(200)
    expect(res._data).toEqual({ signupCredits: 6, provider: 'demo', version: expect.stringMatching(/^\d+\.\d+\.\d+/) })
  })
})
