/**
 * Browser error tracking, off unless NUXT_PUBLIC_SENTRY_DSN is set. The SDK (@sentry/nuxt's) is a
 * chunk of its own, loaded only then, so a site without Sentry downloads none of it.
 */
export default defineNuxtPlugin((nuxtApp) => {
  const { sentryDsn, version } = useRuntimeConfig().public
  if (!sentryDsn) return
  const ready = import('@sentry/nuxt').then((Sentry) => {
    Sentry.init({ dsn: String(sentryDsn), environment: import.meta.dev ? 'development' : 'production', release: String(version), sendDefaultPii: false })
    return Sentry
  })
  const report = (error: unknown) => void ready.then(Sentry => Sentry.captureException(error))
  nuxtApp.hook('vue:error', report)
  nuxtApp.hook('app:error', report)
})
