import { defineStore } from 'pinia'
import type { Creation, Page } from '#shared/types/api'

/** The signed-in user's creations as far as they have been paged in, newest first. */
export const useGalleryStore = defineStore('gallery', () => {
  const { api } = useApi()

  const pageSize = ref(24)
  const items = ref<Creation[]>([])
  const cursor = ref<string | null>(null)
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)

  const hasMore = computed(() => !loaded.value || cursor.value !== null)

  /** Fetches the next page (the first one when nothing is loaded yet); a call while one is running does nothing. */
  async function loadMore() {
    if (loading.value || !hasMore.value) return
    loading.value = true
    error.value = null
    try {
      const query = loaded.value && cursor.value ? { limit: pageSize.value, cursor: cursor.value } : { limit: pageSize.value }
      const page = await api<Page<Creation>>('/api/gallery', { query })
      // A creation prepended after a generation may come again with a later page.
      const known = new Set(items.value.map(c => c.id))
      items.value.push(...page.items.filter(c => !known.has(c.id)))
      cursor.value = page.nextCursor
      loaded.value = true
    }
    catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    }
    finally {
      loading.value = false
    }
  }

  /** Creations made since the first load (another tab, another device) go on top; the pages below stay. */
  async function refreshNewest() {
    if (!loaded.value || loading.value) return
    try {
      const page = await api<Page<Creation>>('/api/gallery', { query: { limit: pageSize.value } })
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

  /** A new creation goes first when the gallery is loaded; otherwise the first load brings it. */
  function prepend(creation: Creation) {
    if (loaded.value && !items.value.some(c => c.id === creation.id)) items.value.unshift(creation)
  }

  async function remove(id: number) {
    await api(`/api/gallery/${id}`, { method: 'DELETE' })
    items.value = items.value.filter(c => c.id !== id)
  }

  function reset() {
    items.value = []
    cursor.value = null
    loaded.value = false
    loading.value = false
    error.value = null
  }

  return { pageSize, items, cursor, loading, loaded, error, hasMore, loadMore, refreshNewest, prepend, remove, reset }
})
