import type { ApiErrorBody } from '#shared/types/api'
import { FetchError } from 'ofetch'

/** An API failure, with the code from the server's error format and a message in the reader's language. */
export class ApiRequestError extends Error {
  constructor(readonly code: string, message: string, readonly status: number, readonly details?: Record<string, unknown>) {
    super(message)
  }
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
    return te(key) ? t(key) : (fallback ?? t('errors.INTERNAL_ERROR'))
  }

  async function api<T>(url: string, options: Parameters<typeof $fetch>[1] = {}): Promise<T> {
    try {
      return await request<T>(url, options as Parameters<typeof request>[1]) as T
    }
    catch (error) {
      const failure = toApiError(error)
      // The session ended on the server (signed out elsewhere, idle too long): the pages follow.
      if (failure.code === 'UNAUTHORIZED') await nuxtApp.runWithContext(() => useUserStore().forget())
      throw failure
    }
  }

  function toApiError(error: unknown): ApiRequestError {
    if (error instanceof ApiRequestError) return error
    if (error instanceof FetchError) {
      const body = error.data as ApiErrorBody | undefined
      if (body?.error?.code) return new ApiRequestError(body.error.code, translate(body.error.code, body.error.message), error.statusCode ?? 0, body.error.details)
      if (!error.statusCode) return new ApiRequestError('NETWORK_ERROR', translate('NETWORK_ERROR'), 0)
      return new ApiRequestError('INTERNAL_ERROR', translate('INTERNAL_ERROR'), error.statusCode)
    }
    return new ApiRequestError('INTERNAL_ERROR', translate('INTERNAL_ERROR'), 0)
  }

  return { api, toApiError, translate }
}
