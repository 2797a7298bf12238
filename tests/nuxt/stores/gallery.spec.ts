import type { Creation, Page } from '#shared/types/api'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { getQuery, readBody, setResponseStatus } from 'h3'
import { beforeEach, describe, expect, it } from 'vitest'
import { ApiRequestError } from '~/composables/useApi'
import { useGalleryStore } from '~/stores/gallery'
import { NO_FILTERS } from '~/utils/gallery'
import { apiError, creation, deferred } from '../../support/nuxt'

// /api/gallery answers like the server: five creations, newest first, paged by cursor, narrowed by
// q (words of the prompt), kind and favorite; a limit under 1 is refused. DELETE /api/gallery/3
// removes creation 3 once and answers 404 after; PATCH /api/gallery/2 sets its favourite.
const all: Creation[] = [5, 4, 3, 2, 1].map(id => creation(id, { prompt: id % 2 ? `red fox ${id}` : `blue sea ${id}`, kind: id === 4 ? 'image-to-image' : 'text-to-image' }))
let rows = [...all]
const requests: Record<string, unknown>[] = []
let hold: Promise<void> | null = null

registerEndpoint('/api/gallery', async (event): Promise<Page<Creation> | ReturnType<typeof apiError>> => {
  const query = getQuery(event)
  requests.push(query)
  if (hold) await hold
  const limit = Number(query.limit)
  if (!(limit >= 1)) {
    setResponseStatus(event, 400)
    return apiError('VALIDATION_ERROR')
  }
  const matching = rows.filter(c => (!query.q || c.prompt.includes(String(query.q)))
    && (!query.kind || c.kind === query.kind) && (query.favorite !== '1' || c.favorite))
  const below = query.cursor ? matching.filter(c => c.id < Number(query.cursor)) : matching
  const items = below.slice(0, limit)
  return { items, nextCursor: below.length > limit ? String(items.at(-1)!.id) : null }
})
registerEndpoint('/api/gallery/2', {
  method: 'PATCH',
  handler: async (event): Promise<Creation> => {
    const { favorite } = await readBody<{ favorite: boolean }>(event)
    requests.push({ patched: 2, favorite })
    rows = rows.map(c => (c.id === 2 ? { ...c, favorite } : c))
    return rows.find(c => c.id === 2)!
  },
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
    hold = null
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

  it('asks the server for the filtered list, sends the filters with every later page, and starts again when they change', async () => {
    const store = useGalleryStore()
    await store.show({ ...NO_FILTERS, q: 'red fox' })
    expect(store.items.map(c => c.id)).toEqual([5, 3])
    expect(store.filtered).toBe(true)
    await store.loadMore()
    expect(store.items.map(c => c.id)).toEqual([5, 3, 1])
    expect(requests).toEqual([{ limit: '2', q: 'red fox' }, { limit: '2', q: 'red fox', cursor: '3' }])

    // The same filters again (a visit back): the list is brought up to date, not started over.
    await store.show({ ...NO_FILTERS, q: 'red fox' })
    expect(requests.at(-1)).toEqual({ limit: '2', q: 'red fox' })
    expect(store.items.map(c => c.id)).toEqual([5, 3, 1])

    await store.show({ ...NO_FILTERS, kind: 'image-to-image' })
    expect(store.items.map(c => c.id)).toEqual([4])
    expect(requests.at(-1)).toEqual({ limit: '2', kind: 'image-to-image' })
    await store.show({ ...NO_FILTERS })
    expect(store.items.map(c => c.id)).toEqual([5, 4])
    expect(store.filtered).toBe(false)
  })

  it('drops the answer for filters the reader has already left', async () => {
    const store = useGalleryStore()
    const slow = deferred()
    hold = slow.promise
    const old = store.show({ ...NO_FILTERS, q: 'blue' })
    await expect.poll(() => requests.length).toBe(1)
    hold = null
    await store.show({ ...NO_FILTERS, q: 'red' })
    slow.resolve()
    await old
    expect(store.items.map(c => c.id)).toEqual([5, 3])
    expect(store.filters.q).toBe('red')
    expect(store.loading).toBe(false)
  })

  it('keeps a new creation out of a filtered list (it may not match) but puts it on top of the whole gallery', async () => {
    const store = useGalleryStore()
    await store.show({ ...NO_FILTERS, favorite: true })
    store.prepend(creation(9))
    expect(store.items.map(c => c.id)).toEqual([])
    await store.show({ ...NO_FILTERS })
    store.prepend(creation(9))
    expect(store.items.map(c => c.id)).toEqual([9, 5, 4])
  })

  it('marks and unmarks a favourite through the API; the favourites list then holds it', async () => {
    const store = useGalleryStore()
    store.pageSize = 5
    await store.show({ ...NO_FILTERS })
    await store.setFavorite(2, true)
    expect(requests.at(-1)).toEqual({ patched: 2, favorite: true })
    expect(store.items.find(c => c.id === 2)?.favorite).toBe(true)
    await store.show({ ...NO_FILTERS, favorite: true })
    expect(store.items.map(c => c.id)).toEqual([2])
    expect(requests.at(-1)).toEqual({ limit: '5', favorite: '1' })
    // Unmarked in the favourites list, it stays in sight until the list is shown again.
    await store.setFavorite(2, false)
    expect(store.items.map(c => [c.id, c.favorite])).toEqual([[2, false]])
  })
})
