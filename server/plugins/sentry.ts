import { log } from '#server/utils/log'

/**
 * Error tracking with Sentry (@sentry/nuxt's SDK), off unless NUXT_PUBLIC_SENTRY_DSN is set: then the
 * SDK is loaded and every server error answered as a 5xx is sent, with its request id. Client errors
 * are sent by app/plugins/sentry.client.ts, which loads the browser SDK only in that case.
 */
export default defineNitroPlugin((nitroApp) => {
  const dsn = String(useRuntimeConfig().public.sentryDsn ?? '')
  if (!dsn) return
  // Pages may send their errors to Sentry's host: the CSP's connect-src gains its origin.
  const origin = new URL(dsn).origin
  nitroApp.hooks.hook('nuxt-security:routeRules', (rules) => {
    const csp = rules['/**']?.headers ? rules['/**'].headers.contentSecurityPolicy : undefined
    if (csp && typeof csp === 'object') {
      const allowed = csp['connect-src']
      csp['connect-src'] = [...new Set([...(Array.isArray(allowed) ? allowed : typeof allowed === 'string' ? [allowed] : []), origin])]
    }
  })
  void nitroApp.hooks.callHook('nuxt-security:ready')
  const ready = import('@sentry/nuxt').then((Sentry) => {
    Sentry.init({
      dsn,
      environment: import.meta.dev ? 'development' : 'production',
      release: String(useRuntimeConfig().public.version),
      sendDefaultPii: false,
      includeLocalVariables: false,
      tracesSampleRate: 0,
      // Never what a user sent (passwords, prompts, pictures) nor their session: the method, path and request id are enough.
      beforeSend(report) {
        if (report.request) report.request = { method: report.request.method, url: report.request.url?.split('?')[0] }
        return report
      },
    })
    return Sentry
  }).catch((error: unknown) => {
    log.error({ event: 'sentry_failed', error: error instanceof Error ? error.message : String(error) })
  })
  nitroApp.hooks.hook('error', async (error, { event }) => {
    const status = (error as { statusCode?: number }).statusCode ?? 500
    if (status < 500) return
    const Sentry = await ready
    Sentry?.captureException(error.cause instanceof Error ? error.cause : error, {
      tags: { requestId: String(event?.context.requestId ?? '') },
      extra: { method: event?.method, path: event?.path },
    })
  })
  nitroApp.hooks.hook('close', async () => {
    await (await ready)?.flush(2000)
  })
})
