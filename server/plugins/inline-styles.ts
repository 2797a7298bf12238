import { joinURL } from 'ufo'
import linkedStyles from '#linked-styles'
import { inlineStylesheets } from '#server/utils/inline-styles'

/**
 * A page's first paint waits for no stylesheet. The stylesheets Nuxt links from a server-rendered
 * page (the global styles and Element Plus's, 35–62 KB a page) are put in its HTML instead: on a slow link
 * each was a round trip before anything could be drawn. Their contents come from the build
 * (`#linked-styles`, nuxt.config.ts); the components' own styles Nuxt already puts inline.
 */
export default defineNitroPlugin((nitroApp) => {
  const { app } = useRuntimeConfig()
  const styles = new Map(Object.entries(linkedStyles).map(([file, css]) => [joinURL(app.cdnURL || app.baseURL, app.buildAssetsDir, file), css]))
  if (!styles.size) return
  nitroApp.hooks.hook('render:html', (html) => {
    html.head = html.head.map(chunk => inlineStylesheets(chunk, styles))
  })
})
