import type { H3Event } from 'h3'
import { defineNitroPlugin, useRuntimeConfig } from 'nitropack/runtime'
import { apiSharesRouteRules, isApiPath } from '#server/utils/request'

/** Hooks every request passes through, and which of them page rendering alone needs. */
const PER_REQUEST_HOOKS = new Set(['request', 'beforeResponse'])

type Hook = (event: H3Event, ...rest: unknown[]) => unknown
type SecurityContext = NonNullable<H3Event['context']['security']>

/**
 * Runs before every other Nitro plugin (nuxt.config.ts puts it first) and keeps per-request work to
 * what a request needs:
 * - Nitro builds a fresh copy of the runtime config for each request that asks for it with the event
 *   (a deep clone plus a walk of the environment); the environment does not change while the process
 *   runs, so every request shares the copy made at start.
 * - Route rules are worked out anew for each request: Nitro's matched and merged, nuxt-security's
 *   route named by a router it builds for the purpose. When no rule can tell one API path from
 *   another, the first /api request's are kept for the others.
 * - The modules' request hooks prepare the rendering of a page (@nuxtjs/i18n's locale context,
 *   nuxt-security's CSP nonce and rule matching). An /api answer renders no page, so for /api those
 *   hooks are skipped, all of them with one check; the API's own headers come from route rules and
 *   server/middleware/2.headers.ts.
 * Together they were over a third of the time of a signed-in API request.
 */
export default defineNitroPlugin((nitroApp) => {
  const shared = useRuntimeConfig()
  const sharesRules = apiSharesRouteRules(Object.keys(shared.nitro?.routeRules ?? {}))
  let apiRules: { nitro: unknown, security: Pick<SecurityContext, 'rules' | 'route'> } | undefined
  nitroApp.hooks.hook('request', (event) => {
    event.context.nitro ??= { errors: [] }
    event.context.nitro.runtimeConfig = shared
    if (apiRules && isApiPath(event)) {
      event.context._nitro = { routeRules: apiRules.nitro }
      event.context.security = { ...apiRules.security }
    }
  })
  if (sharesRules) {
    const unhook = nitroApp.hooks.hook('afterResponse', (event) => {
      if (!isApiPath(event)) return
      const nitro = (event.context._nitro as { routeRules?: unknown } | undefined)?.routeRules
      const security = event.context.security
      if (!nitro || !security?.rules || security.route === undefined) return
      apiRules = { nitro, security: { rules: security.rules, route: security.route } }
      unhook()
    })
  }

  // Every page-only handler of a per-request hook runs from one hook of ours, which an /api request
  // leaves at once (each hook registered costs a task and a promise per request, even one that returns).
  const pageOnly = new Map<string, Hook[]>()
  const hook = nitroApp.hooks.hook.bind(nitroApp.hooks)
  nitroApp.hooks.hook = ((name: string, handler: Hook) => {
    if (!PER_REQUEST_HOOKS.has(name)) return hook(name as never, handler as never)
    let handlers = pageOnly.get(name)
    if (!handlers) {
      const list: Hook[] = handlers = []
      pageOnly.set(name, list)
      hook(name as never, (async (event: H3Event, ...rest: unknown[]) => {
        if (isApiPath(event)) return
        for (const run of list) await run(event, ...rest)
      }) as never)
    }
    handlers.push(handler)
    return () => {
      const at = handlers.indexOf(handler)
      if (at >= 0) handlers.splice(at, 1)
    }
  }) as typeof nitroApp.hooks.hook
})
