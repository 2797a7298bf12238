import type { ApiErrorBody } from '#shared/types/api'
import { MAX_INPUT_IMAGE_BYTES } from '#shared/constants/catalog'
import { FetchError } from 'ofetch'

// The limits some error messages name (PAYLOAD_TOO_LARGE).
const limits = { mb: MAX_INPUT_IMAGE_BYTES / 1024 / 1024 }

/** An API failure, with the code from the server's error format and a message in the reader's language. */
export class ApiRequestError extends Error {
  constructor(readonly code: string, message: string, readonly status: number, readonly details?: Record<string, unknown>) {
    super(message)
  }

  /** The error format again: Nuxt keeps an error's `data` and `status` when the server render hands it to the browser. */
  get data() {
    return { error: { code: this.code, message: this.message, details: this.details } }
  }
}

// A proxy in front of the app (Nginx, a CDN) answering for it with a page of its own: what it means.
const PROXY_STATUS_CODES: Record<number, string> = {
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  502: 'SERVICE_UNAVAILABLE',
  503: 'SERVICE_UNAVAILABLE',
  504: 'PROXY_TIMEOUT',
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false
  const { error } = value
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
}

/**
 * The one way the app talks to /api: the session cookie goes along by itself (and, while the server
 * renders a page, the visitor's cookie is passed on); the error format becomes an ApiRequestError
 * whose message is translated by its code.
 */
export function useApi() {
  // The app's i18n instance rather than useI18n(), so stores and plugins can call this outside a component's setup.
  const nuxtApp = useNuxtApp()
  const { t, te } = nuxtApp.$i18n
  const request = useRequestFetch()

  function translate(code: string, fallback?: string) {
    const key = `errors.${code}`
    return te(key) ? t(key, limits) : (fallback ?? t('errors.INTERNAL_ERROR'))
  }

  async function api<T>(url: string, options: Parameters<typeof $fetch>[1] = {}): Promise<T> {
    try {
      return await request<T>(url, options as Parameters<typeof request>[1]) as T
    }
    catch (error) {
      const apiError = toApiError(error)
      // The session ended on the server (signed out elsewhere, idle too long): the pages follow.
      if (apiError.code === 'UNAUTHORIZED') await nuxtApp.runWithContext(() => useUserStore().forget())
      throw apiError
    }
  }

  /** Whatever a request threw, as an ApiRequestError: ofetch's FetchError, or Nuxt's wrapping of either. */
  function toApiError(error: unknown): ApiRequestError {
    if (error instanceof ApiRequestError) return error
    // useAsyncData wraps what its handler threw; in the browser the original is the cause.
    if (isNuxtError(error) && error.cause instanceof ApiRequestError) return error.cause
    if (error instanceof FetchError || isNuxtError(error)) {
      const status = error.statusCode ?? 0
      if (isApiErrorBody(error.data)) {
        const { code, message, details } = error.data.error
        return new ApiRequestError(code, translate(code, message), status, details)
      }
      if (error instanceof FetchError && !error.statusCode) return new ApiRequestError('NETWORK_ERROR', translate('NETWORK_ERROR'), 0)
      const code = PROXY_STATUS_CODES[status] ?? 'INTERNAL_ERROR'
      return new ApiRequestError(code, translate(code), status)
    }
    return new ApiRequestError('INTERNAL_ERROR', translate('INTERNAL_ERROR'), 0)
  }

  return { api, toApiError }
}
