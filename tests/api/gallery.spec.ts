import { rmSync } from 'node:fs'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { imageFiles, removeImageFile, waitForImageFile } from '../support/db'
import { expectApiError } from '../support/expect'
import { withUpstreamServer } from '../support/fixtures'
import { signUp, startServer, tempDir, type TestServer } from '../support/server'

let server: TestServer

withUpstreamServer({ env: { NUXT_SIGNUP_CREDITS: '10' } }, (started) => {
  server = started.server
})

interface Creation { id: number, userId: number, prompt: string, imageUrl: string, thumbnailUrl: string }
interface Page { items: Creation[], nextCursor: string | null }

async function makeCreations(api: Awaited<ReturnType<typeof signUp>>['api'], n: number) {
  const made: Creation[] = []
  for (let i = 0; i < n; i++) {
    made.push((await api<{ creation: Creation }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: `picture ${i}` } })).creation)
  }
  return made
}

describe('GET /api/gallery', () => {
  it('pages the caller\'s own creations newest first with a cursor, null on the last page', async () => {
    const owner = await signUp(server)
    const other = await signUp(server)
    const made = await makeCreations(owner.api, 5)
    await makeCreations(other.api, 1)

    const seen: number[] = []
    let cursor: string | null = null
    const sizes: number[] = []
    do {
      const page: Page = await owner.api<Page>('/api/gallery', { query: { limit: 2, ...(cursor ? { cursor } : {}) } })
      sizes.push(page.items.length)
      seen.push(...page.items.map(c => c.id))
      expect(page.items.every(c => c.userId === owner.user.id)).toBe(true)
      cursor = page.nextCursor
    } while (cursor)
    expect(sizes).toEqual([2, 2, 1])
    expect(seen).toEqual(made.map(c => c.id).reverse())

    const all = await owner.api<Page>('/api/gallery')
    expect(all.items).toHaveLength(5)
    expect(all.nextCursor).toBeNull()
    expect(all.items[0]!.prompt).toBe('picture 4')
  })

  it('shows each change to the caller\'s creations in the next page read, whatever was read before', async () => {
    const owner = await signUp(server)
    const [first, second] = await makeCreations(owner.api, 2)
    const favourites = () => owner.api<Page>('/api/gallery', { query: { favorite: 'true' } })
    const ids = async () => (await owner.api<Page>('/api/gallery')).items.map(c => c.id)
    expect(await ids()).toEqual([second!.id, first!.id])
    expect((await favourites()).items).toEqual([])

    const [third] = await makeCreations(owner.api, 1)
    expect(await ids()).toEqual([third!.id, second!.id, first!.id])

    await owner.api(`/api/gallery/${first!.id}`, { method: 'PATCH', body: { favorite: true } })
    expect((await favourites()).items.map(c => c.id)).toEqual([first!.id])
    expect((await owner.api<Page>('/api/gallery')).items.find(c => c.id === first!.id)).toMatchObject({ favorite: true })

    await owner.api(`/api/gallery/${first!.id}`, { method: 'DELETE' })
    expect(await ids()).toEqual([third!.id, second!.id])
    expect((await favourites()).items).toEqual([])

    // Another user's change is not this user's, and this user's page is theirs alone.
    const other = await signUp(server)
    await makeCreations(other.api, 1)
    expect(await ids()).toEqual([third!.id, second!.id])
    expect((await other.api<Page>('/api/gallery')).items.every(c => c.userId === other.user.id)).toBe(true)
  })

  it('answers JSON', async () => {
    const { api } = await signUp(server)
    const response = await api.raw('/api/gallery')
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  })

  it('defaults to 24 a page', async () => {
    const { api } = await signUp(server)
    const page = await api<Page>('/api/gallery')
    expect(page).toEqual({ items: [], nextCursor: null })
  })

  it.each([
    ['limit 0', { limit: '0' }],
    ['limit 101', { limit: '101' }],
    ['limit not a number', { limit: 'ten' }],
    ['limit fractional', { limit: '2.5' }],
    ['a cursor that is not ours', { cursor: 'abc' }],
    ['a negative cursor', { cursor: '-5' }],
  ])('rejects %s with 400', async (_name, query) => {
    const { api } = await signUp(server)
    expectApiError(await api.raw('/api/gallery', { query }), 400, 'VALIDATION_ERROR')
  })
})

describe('GET and DELETE /api/gallery/:id', () => {
  it('returns the owner\'s creation and hides anyone else\'s behind 404', async () => {
    const owner = await signUp(server)
    const stranger = await signUp(server)
    const [creation] = await makeCreations(owner.api, 1)
    expect(await owner.api<Creation>(`/api/gallery/${creation!.id}`)).toEqual(creation)
    expectApiError(await stranger.api.raw(`/api/gallery/${creation!.id}`), 404, 'NOT_FOUND')
    expectApiError(await stranger.api.raw(`/api/gallery/${creation!.id}`, { method: 'DELETE' }), 404, 'NOT_FOUND')
    // Still there for its owner.
    expect((await owner.api.raw(`/api/gallery/${creation!.id}`)).status).toBe(200)
    expectApiError(await owner.api.raw('/api/gallery/99999999'), 404, 'NOT_FOUND')
  })

  it('deletes with 204 and removes both files', async () => {
    const { api } = await signUp(server)
    const [creation] = await makeCreations(api, 1)
    const names = [creation!.imageUrl, creation!.thumbnailUrl].map(u => u.split('/').pop()!)
    await waitForImageFile(server.dataDir, names[1]!)
    expect(imageFiles(server.dataDir)).toEqual(expect.arrayContaining(names))
    const res = await api.raw(`/api/gallery/${creation!.id}`, { method: 'DELETE' })
    expect(res.status).toBe(204)
    expect(imageFiles(server.dataDir)).not.toEqual(expect.arrayContaining([names[0]]))
    expect(imageFiles(server.dataDir)).not.toEqual(expect.arrayContaining([names[1]]))
    expect((await fetch(`${server.url}${creation!.imageUrl}`)).status).toBe(404)
    expectApiError(await api.raw(`/api/gallery/${creation!.id}`), 404, 'NOT_FOUND')
    expectApiError(await api.raw(`/api/gallery/${creation!.id}`, { method: 'DELETE' }), 404, 'NOT_FOUND')
  })

  it.each(['abc', '0', '-1', '1.5', '99999999999999999999'])('rejects the id %s with 400', async (id) => {
    const { api } = await signUp(server)
    expectApiError(await api.raw(`/api/gallery/${id}`), 400, 'VALIDATION_ERROR')
    expectApiError(await api.raw(`/api/gallery/${id}`, { method: 'DELETE' }), 400, 'VALIDATION_ERROR')
  })
})

describe('/images', () => {
  it('serves nothing outside the store and nothing under a made-up name', async () => {
    for (const path of ['/images/AAAAAAAAAAAAAAAAAAAAAA.png', '/images/..%2Fnano-banana.db', '/images/%2e%2e%2f.jwt-secret', '/images/x.svg']) {
      const res = await fetch(`${server.url}${path}`)
      expect(res.status, path).toBe(404)
      expect(res.headers.get('content-type') ?? '').not.toMatch(/image|octet/)
    }
  })
})

describe('thumbnails, made after the answer', () => {
  it('serves a thumbnail that was not made yet by making it on demand', async () => {
    const { api } = await signUp(server)
    const { creation } = await api<{ creation: Creation }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'thumb later' } })
    const thumb = creation.thumbnailUrl.slice('/images/'.length)
    // As if the queue had not got to it: the file is not there.
    await waitForImageFile(server.dataDir, thumb)
    removeImageFile(server.dataDir, thumb)
    const res = await fetch(`${server.url}${creation.thumbnailUrl}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/webp')
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata()
    expect(meta.format).toBe('webp')
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(512)
    expect(imageFiles(server.dataDir)).toContain(thumb)
  })

  it('completes the thumbnails a stop left missing when the server starts again', async () => {
    const dataDir = tempDir()
    let own = await startServer({ dataDir })
    const { api } = await signUp(own)
    const made: Creation[] = []
    for (let i = 0; i < 3; i++) made.push((await api<{ creation: Creation }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: `restart ${i}` } })).creation)
    const thumbs = made.map(c => c.thumbnailUrl.slice('/images/'.length))
    for (const thumb of thumbs) await waitForImageFile(dataDir, thumb)
    await own.stop({ keepData: true })
    for (const thumb of thumbs) removeImageFile(dataDir, thumb)
    own = await startServer({ dataDir })
    try {
      // Nobody asks for them: the start-up queue makes them.
      for (const thumb of thumbs) await waitForImageFile(dataDir, thumb)
    }
    finally {
      await own.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
