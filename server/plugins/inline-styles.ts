import { joinURL } from 'ufo'
import pageStylesheets from '#page-stylesheets'
import { inlineStylesheets } from '#server/utils/inline-styles'

/**
 * A page's first paint waits for no stylesheet, and its hydration adds none. Every stylesheet a
 * server-rendered page names (the global styles, Element Plus's, the page's own chunks': 40–70 KB a
 * page) is put in its HTML instead: on a slow link each was a round trip before anything could be
 * drawn, or while the page hydrated. Their contents come from the build (`#page-stylesheets`,
 * nuxt.config.ts).
 */
export default defineNitroPlugin((nitroApp) => {
  const { app } = useRuntimeConfig()
  const styles = new Map(Object.entries(pageStylesheets).map(([file, css]) => [joinURL(app.cdnURL || app.baseURL, app.buildAssetsDir, file), css]))
  if (!styles.size) return
  nitroApp.hooks.hook('render:html', (html) => {
    html.head = inlineStylesheets(html.head, styles)
  })
})
