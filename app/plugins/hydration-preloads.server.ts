import { joinURL } from 'ufo'

// @nuxtjs/i18n's build-time constants (replaced in every module Vite builds): where the browser asks
// for a locale's messages, `<route>/<hash>/<locale>/messages.json`. Checked by the browser tests, which
// fail if a first visit fetches anything its HTML does not name.
declare const __I18N_SERVER_ROUTE__: string
declare const __I18N_LOCALE_HASHES__: Record<string, string>

/**
 * A first visit's HTML names everything the page fetches while it hydrates. Otherwise, once the entry
 * script has run, the browser asks for each in turn, a round trip after the other on a slow link:
 * the vue-i18n options chunk, then the locale's messages. Both are preloaded and arrive with the
 * scripts. (The stylesheets Nuxt links are in the HTML: server/plugins/inline-styles.ts.) The chunk's
 * name comes from the build (scripts/hydration-assets.ts).
 */
export default defineNuxtPlugin({
  name: 'hydration-preloads',
  setup(nuxtApp) {
    // In development the browser loads modules and messages its own way.
    if (import.meta.dev) return
    const i18n = useNuxtApp().$i18n
    const { app, hydrationAssets } = useRuntimeConfig()
    nuxtApp.hooks.hook('app:rendered', ({ ssrContext }) => {
      if (!ssrContext || ssrContext.noSSR || ssrContext.islandContext) return
      const locale = i18n.locale.value
      const hash = typeof __I18N_LOCALE_HASHES__ === 'object' ? __I18N_LOCALE_HASHES__[locale] : undefined
      // Ranked after the page's own scripts, which come first on the line.
      ssrContext.head.push({
        link: [
          ...(hydrationAssets.i18nConfig ? [{ rel: 'modulepreload', crossorigin: '', href: joinURL(app.cdnURL || app.baseURL, app.buildAssetsDir, hydrationAssets.i18nConfig), tagPriority: 'low' } as const] : []),
          ...(hash ? [{ rel: 'preload', as: 'fetch', crossorigin: 'anonymous', href: joinURL(app.baseURL, __I18N_SERVER_ROUTE__, hash, locale, 'messages.json'), tagPriority: 'low' } as const] : []),
        ],
      })
    })
  },
})
