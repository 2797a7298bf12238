import type { MaybeRefOrGetter } from 'vue'

interface ApiFetchOptions {
  query?: MaybeRefOrGetter<Record<string, string | number>>
}

/**
 * Data from a GET /api route through Nuxt's useAsyncData: fetched during the server render when the
 * component is rendered there, refetched when the URL or the query changes, and from anywhere with
 * `refreshNuxtData(key)`. A null URL means nothing to fetch (the data is null). `error` is the API's
 * error as an ApiRequestError, translated like every other.
 */
export function useApiFetch<T>(key: string, url: MaybeRefOrGetter<string | null>, options: ApiFetchOptions = {}) {
  const { api, toApiError } = useApi()
  const asyncData = useAsyncData<T | null>(key, (_nuxtApp, { signal }) => {
    const path = toValue(url)
    return path === null ? Promise.resolve(null) : api<T>(path, { query: toValue(options.query), signal })
  }, {
    default: () => null,
    watch: [() => toValue(url), () => toValue(options.query)],
  })
  return {
    data: asyncData.data,
    pending: computed(() => asyncData.status.value === 'pending'),
    error: computed(() => (asyncData.error.value ? toApiError(asyncData.error.value) : null)),
    refresh: asyncData.refresh,
  }
}
