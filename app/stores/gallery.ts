import { defineStore } from 'pinia'
import type { Creation, Page } from '#shared/types/api'

/**
 * The signed-in user's creations as far as they have been paged in, newest first, narrowed by the
 * gallery's filters (the server searches and filters; pages follow by cursor).
 */
export const useGalleryStore = defineStore('gallery', () => {
  const { api } = useApi()

  const pageSize = ref(24)
  const filters = ref<GalleryFilters>({ ...NO_FILTERS })
  const items = ref<Creation[]>([])
  const cursor = ref<string | null>(null)
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)
  // Each new list (a reset, other filters) has its own number: an answer for an older one is dropped.
  let list = 0
  let inFlight: AbortController | undefined

  const hasMore = computed(() => !loaded.value || cursor.value !== null)
  const filtered = computed(() => isFiltered(filters.value))

  function query(extra: Record<string, string | number> = {}) {
    return { limit: pageSize.value, ...filtersToQuery(filters.value), ...extra }
  }

  /** Fetches the next page (the first one when nothing is loaded yet); a call while one is running does nothing. */
  async function loadMore() {
    if (loading.value || !hasMore.value) return
    const mine = list
    const controller = new AbortController()
    inFlight = controller
    loading.value = true
    error.value = null
    try {
      const page = await api<Page<Creation>>('/api/gallery', { query: query(loaded.value && cursor.value ? { cursor: cursor.value } : {}), signal: controller.signal })
      if (mine !== list) return
      // A creation prepended after a generation may come again with a later page.
      const known = new Set(items.value.map(c => c.id))
      items.value.push(...page.items.filter(c => !known.has(c.id)))
      cursor.value = page.nextCursor
      loaded.value = true
    }
    catch (e) {
      if (mine === list) error.value = e instanceof Error ? e.message : String(e)
    }
    finally {
      if (mine === list) loading.value = false
    }
  }

  /** Creations made since the first load (another tab, another device) go on top; the pages below stay. */
  async function refreshNewest() {
    if (!loaded.value || loading.value) return
    const mine = list
    try {
      const page = await api<Page<Creation>>('/api/gallery', { query: query() })
      if (mine !== list) return
      const newestKnown = items.value[0]?.id ?? 0
      items.value.unshift(...page.items.filter(c => c.id > newestKnown))
      // Deleted elsewhere: what that first page's span (or, on a last page, the whole list) no longer holds.
      const listed = new Set(page.items.map(c => c.id))
      const oldest = page.nextCursor === null ? -Infinity : page.items.at(-1)!.id
      items.value = items.value.filter(c => listed.has(c.id) || c.id < oldest)
    }
    catch {
      // The loaded pages stay as they were; the next scroll or reload tries again.
    }
  }

  /** The gallery as the page's URL asks for it: the same list brought up to date, or a new list from its first page. */
  async function show(next: GalleryFilters) {
    if (loaded.value && sameFilters(next, filters.value)) return refreshNewest()
    reset()
    filters.value = { ...next }
    await loadMore()
  }

  /** A new creation goes first when the whole gallery is loaded; a filtered list gets it when the filters are cleared. */
  function prepend(creation: Creation) {
    if (loaded.value && !filtered.value && !items.value.some(c => c.id === creation.id)) items.value.unshift(creation)
  }

  async function remove(id: number) {
    await api(`/api/gallery/${id}`, { method: 'DELETE' })
    items.value = items.value.filter(c => c.id !== id)
  }

  /** Marks or unmarks a favourite; the creation stays in a favourites-only list until it is shown again, so a slip can be undone. */
  async function setFavorite(id: number, favorite: boolean) {
    const updated = await api<Creation>(`/api/gallery/${id}`, { method: 'PATCH', body: { favorite } })
    const item = items.value.find(c => c.id === id)
    if (item) item.favorite = updated.favorite
  }

  function reset() {
    list += 1
    inFlight?.abort()
    inFlight = undefined
    filters.value = { ...NO_FILTERS }
    items.value = []
    cursor.value = null
    loaded.value = false
    loading.value = false
    error.value = null
  }

  return { pageSize, filters, items, cursor, loading, loaded, error, hasMore, filtered, loadMore, refreshNewest, show, prepend, remove, setFavorite, reset }
})
