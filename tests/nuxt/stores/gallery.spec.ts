import type { Creation, Page } from '#shared/types/api'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { getQuery } from 'h3'
import { beforeEach, describe, expect, it } from 'vitest'
import { useGalleryStore } from '~/stores/gallery'

// The store inside a real Nuxt app (@nuxt/test-utils' nuxt environment); /api/gallery is answered
// by an endpoint registered here, paging five creations by cursor like the server does.
const all: Creation[] = Array.from({ length: 5 }, (_, i) => ({
  id: 5 - i,
  userId: 1,
  prompt: `picture ${5 - i}`,
  imageUrl: `/images/${'a'.repeat(21)}${5 - i}.png`,
  thumbnailUrl: `/images/${'a'.repeat(21)}${5 - i}_thumb.webp`,
  modelUsed: 'nano-banana',
  size: '1:1',
  kind: 'text-to-image',
  width: 1024,
  height: 1024,
  createdAt: new Date(2026, 0, 5 - i).toISOString(),
}))
let rows = [...all]
const requests: Record<string, unknown>[] = []

registerEndpoint('/api/gallery', (event): Page<Creation> => {
  const query = getQuery(event)
  requests.push(query)
  const limit = Number(query.limit)
  const below = query.cursor ? rows.filter(c => c.id < Number(query.cursor)) : rows
  const items = below.slice(0, limit)
  return { items, nextCursor: below.length > limit ? String(items.at(-1)!.id) : null }
})

describe('gallery store (Nuxt environment)', () => {
  beforeEach(() => {
    rows = [...all]
    requests.length = 0
    const store = useGalleryStore()
    store.reset()
    store.pageSize = 2
  })

  it('pages through the creations by cursor and stops at the last page', async () => {
    const store = useGalleryStore()
    await store.loadMore()
    expect(store.items.map(c => c.id)).toEqual([5, 4])
    expect(store.hasMore).toBe(true)
    await store.loadMore()
    await store.loadMore()
    expect(store.items.map(c => c.id)).toEqual([5, 4, 3, 2, 1])
    expect(store.hasMore).toBe(false)
    expect(requests).toEqual([{ limit: '2' }, { limit: '2', cursor: '4' }, { limit: '2', cursor: '2' }])
    await store.loadMore()
    expect(requests).toHaveLength(3)
  })

  it('runs one request at a time however often it is asked', async () => {
    const store = useGalleryStore()
    await Promise.all([store.loadMore(), store.loadMore(), store.loadMore()])
    expect(requests).toHaveLength(1)
    expect(store.items).toHaveLength(2)
  })

  it('puts a new creation first without repeating it when a later page brings it', async () => {
    const store = useGalleryStore()
    await store.loadMore()
    const fresh = { ...all[0]!, id: 6, prompt: 'new' }
    rows = [fresh, ...rows]
    store.prepend(fresh)
    store.prepend(fresh)
    expect(store.items.map(c => c.id)).toEqual([6, 5, 4])
    await store.refreshNewest()
    expect(store.items.map(c => c.id)).toEqual([6, 5, 4])
  })
})
