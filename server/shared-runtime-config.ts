import { defineNitroPlugin, useRuntimeConfig } from 'nitropack/runtime'

/**
 * Runs before every other Nitro plugin (nuxt.config.ts puts it first). Nitro builds a fresh copy of the
 * runtime config for each request that asks for it with the event — a deep clone plus a walk of the
 * environment, about a fifth of an API request's time (@nuxtjs/i18n asks on every request). The
 * environment does not change while the process runs, so every request can share the copy made at start.
 */
export default defineNitroPlugin((nitroApp) => {
  const shared = useRuntimeConfig()
  nitroApp.hooks.hook('request', (event) => {
    event.context.nitro ??= { errors: [] }
    event.context.nitro.runtimeConfig = shared
  })
})
