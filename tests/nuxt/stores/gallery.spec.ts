import type { Creation, Page } from '#shared/types/api'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { getQuery, setResponseStatus } from 'h3'
import { beforeEach, describe, expect, it } from 'vitest'
import { ApiRequestError } from '~/composables/useApi'
import { useGalleryStore } from '~/stores/gallery'
import { apiError, creation } from '../../support/nuxt'

// /api/gallery answers like the server: five creations, newest first, paged by cursor; a limit
// under 1 is refused. DELETE /api/gallery/3 removes creation 3 once and answers 404 after.
const all: Creation[] = [5, 4, 3, 2, 1].map(id => creation(id))
let rows = [...all]
const requests: Record<string, unknown>[] = []

registerEndpoint('/api/gallery', (event): Page<Creation> | ReturnType<typeof apiError> => {
  const query = getQuery(event)
  requests.push(query)
  const limit = Number(query.limit)
  if (!(limit >= 1)) {
    setResponseStatus(event, 400)
    return apiError('VALIDATION_ERROR')
  }
  const below = query.cursor ? rows.filter(c => c.id < Number(query.cursor)) : rows
  const items = below.slice(0, limit)
  return { items, nextCursor: below.length > limit ? String(items.at(-1)!.id) : null }
})
registerEndpoint('/api/gallery/3', {
  method: 'DELETE',
  handler: (event) => {
    requests.push({ deleted: 3 })
    if (!rows.some(c => c.id === 3)) {
      setResponseStatus(event, 404)
      return apiError('NOT_FOUND')
    }
    rows = rows.filter(c => c.id !== 3)
    return null
  },
})

describe('gallery store', () => {
  beforeEach(() => {
    rows = [...all]
    requests.length = 0
    const store = useGalleryStore()
    store.reset()
    store.pageSize = 2
  })

  it('pages through the creations by cursor and stops at the last page', async () => {
    const store = useGalleryStore()
    expect(store.hasMore).toBe(true)
    await store.loadMore()
    expect(store.items.map(c => c.id)).toEqual([5, 4])
    expect(store.cursor).toBe('4')
    expect(store.hasMore).toBe(true)
    await store.loadMore()
    await store.loadMore()
    expect(store.items.map(c => c.id)).toEqual([5, 4, 3, 2, 1])
    expect(store.cursor).toBeNull()
    expect(store.hasMore).toBe(false)
    expect(requests).toEqual([{ limit: '2' }, { limit: '2', cursor: '4' }, { limit: '2', cursor: '2' }])
    // At the end, asking again costs nothing.
    await store.loadMore()
    expect(requests).toHaveLength(3)
  })

  it('runs one request at a time however often it is asked (scrolling fires the observer repeatedly)', async () => {
    const store = useGalleryStore()
    await Promise.all([store.loadMore(), store.loadMore(), store.loadMore()])
    expect(requests).toHaveLength(1)
    expect(store.items).toHaveLength(2)
    expect(store.loading).toBe(false)
  })

  it('adds a new creation only once loaded (the first page brings it otherwise), and never twice', async () => {
    const store = useGalleryStore()
    const fresh = creation(6, { prompt: 'new' })
    store.prepend(fresh)
    expect(store.items).toEqual([])

    await store.loadMore()
    rows = [fresh, ...rows]
    store.prepend(fresh)
    store.prepend(fresh)
    expect(store.items.map(c => c.id)).toEqual([6, 5, 4])
    await store.refreshNewest()
    expect(store.items.map(c => c.id)).toEqual([6, 5, 4])
  })

  it('brings in creations made elsewhere and drops ones deleted elsewhere when visited again', async () => {
    const store = useGalleryStore()
    store.pageSize = 5
    await store.loadMore()
    rows = [creation(6), ...rows.filter(c => c.id !== 4)]
    await store.refreshNewest()
    expect(store.items.map(c => c.id)).toEqual([6, 5, 3, 2, 1])
  })

  it('deletes through the API and drops the item; a failure keeps the items and rejects with the API error', async () => {
    const store = useGalleryStore()
    store.pageSize = 5
    await store.loadMore()
    await store.remove(3)
    expect(requests.at(-1)).toEqual({ deleted: 3 })
    expect(store.items.map(c => c.id)).toEqual([5, 4, 2, 1])

    store.items = [creation(3), ...store.items]
    const failure = await store.remove(3).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(ApiRequestError)
    expect(failure).toMatchObject({ code: 'NOT_FOUND', status: 404 })
    expect(store.items.map(c => c.id)).toEqual([3, 5, 4, 2, 1])
  })

  it('keeps a translated error for the page to show, and clears it when a try succeeds', async () => {
    const store = useGalleryStore()
    store.pageSize = 0
    await store.loadMore()
    expect(store.error).toBe('提交的内容不正确，请检查后重试。')
    expect(store.loading).toBe(false)
    expect(store.loaded).toBe(false)
    store.pageSize = 2
    await store.loadMore()
    expect(store.error).toBeNull()
    expect(store.items).toHaveLength(2)
  })

  it('forgets everything on reset (sign-out)', async () => {
    const store = useGalleryStore()
    await store.loadMore()
    store.reset()
    expect(store.items).toEqual([])
    expect(store.loaded).toBe(false)
    expect(store.hasMore).toBe(true)
  })
})
