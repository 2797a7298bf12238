import type { PagedList } from '#shared/types/api'
import type { MaybeRefOrGetter } from 'vue'

/**
 * One page of a paged /api list (`{ items, total }`) through useApiFetch, with the page and its size
 * as state: changing either, or `filters`, fetches again. For AdminDataTable's `pages`.
 */
export function useApiPages<Row>(key: string, url: string, filters: MaybeRefOrGetter<Record<string, string | number>> = {}) {
  const page = ref(1)
  const pageSize = ref(20)
  const { data, pending, error, refresh } = useApiFetch<PagedList<Row>>(key, url, {
    query: () => ({ ...toValue(filters), page: page.value, pageSize: pageSize.value }),
  })
  return reactive({
    rows: computed(() => data.value?.items ?? []),
    total: computed(() => data.value?.total ?? 0),
    page,
    pageSize,
    pending,
    error,
    refresh,
    setPage: (value: number) => (page.value = value),
    setPageSize: (value: number) => (pageSize.value = value),
  })
}

export type ApiPages<Row> = ReturnType<typeof useApiPages<Row>>
