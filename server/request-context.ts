import { defineNitroPlugin, useRuntimeConfig } from 'nitropack/runtime'
import { isApiPath } from '#server/utils/request'

/** Hooks every request passes through, and which of them page rendering alone needs. */
const PER_REQUEST_HOOKS = new Set(['request', 'beforeResponse'])

/**
 * Runs before every other Nitro plugin (nuxt.config.ts puts it first) and keeps per-request work to
 * what a request needs:
 * - Nitro builds a fresh copy of the runtime config for each request that asks for it with the event
 *   (a deep clone plus a walk of the environment); the environment does not change while the process
 *   runs, so every request shares the copy made at start.
 * - nuxt-security's rules, the same for every path here, are matched once rather than per request.
 * - The modules' request hooks prepare the rendering of a page (@nuxtjs/i18n's locale context,
 *   nuxt-security's CSP nonce and rule matching). An /api answer renders no page, so for /api those
 *   hooks are skipped; the API's own headers come from route rules and server/middleware/2.headers.ts.
 * Together they were over a third of the time of a signed-in API request.
 */
export default defineNitroPlugin((nitroApp) => {
  const shared = useRuntimeConfig()
  // nuxt-security matches its rules against the path anew for each request (a deep clone and a
  // router); this app's rules are the same for every path, so the first /api request's are kept.
  let securityRules: unknown
  nitroApp.hooks.hook('request', (event) => {
    event.context.nitro ??= { errors: [] }
    event.context.nitro.runtimeConfig = shared
    if (securityRules && isApiPath(event)) event.context.security = { rules: securityRules }
  })
  nitroApp.hooks.hook('afterResponse', (event) => {
    if (!securityRules && isApiPath(event)) securityRules = (event.context.security as { rules?: unknown } | undefined)?.rules
  })

  const hook = nitroApp.hooks.hook.bind(nitroApp.hooks)
  nitroApp.hooks.hook = ((name: string, handler: (event: Parameters<typeof isApiPath>[0], ...rest: unknown[]) => unknown) => {
    if (!PER_REQUEST_HOOKS.has(name)) return hook(name as never, handler as never)
    return hook(name as never, ((event: Parameters<typeof isApiPath>[0], ...rest: unknown[]) => (isApiPath(event) ? undefined : handler(event, ...rest))) as never)
  }) as typeof nitroApp.hooks.hook
})
