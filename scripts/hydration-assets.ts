/**
 * What a rendered page needs from the client build beyond what Nuxt names, worked out from its manifest:
 * - **the vue-i18n options chunk** (i18n/i18n.config.ts), which @nuxtjs/i18n imports when it starts
 *   (app/plugins/hydration-preloads.server.ts preloads it);
 * - **every stylesheet, in the order the browser would apply them** (server/plugins/inline-styles.ts
 *   puts those a page names in its HTML, in this order).
 */
import type { NuxtHooks } from 'nuxt/schema'

type Manifest = Parameters<NuxtHooks['build:manifest']>[0]

export interface HydrationAssets {
  /** The vue-i18n options chunk's file, if there is one. */
  i18nConfig: string
}

export function hydrationAssets() {
  let manifest: Manifest = {}
  return {
    /** From `build:manifest`; read once the manifest is final (`vite:compiled`). */
    remember(built: Manifest) {
      manifest = built
    },
    result(): HydrationAssets {
      const i18nConfig = Object.values(manifest).find(chunk => chunk.src?.endsWith('/i18n.config.ts'))?.file ?? ''
      return { i18nConfig }
    },
    /**
     * Every stylesheet of the build, each after those of the chunks its chunk imports: the order Vite's
     * loader adds a chunk's stylesheets in (its imports' first, so a component's styles override the
     * Element Plus parts it uses), where Nuxt links a module's own before its imports'. The entry's
     * come first, as in every page's HTML.
     */
    stylesheets(): string[] {
      const order = new Set<string>()
      const seen = new Set<string>()
      const visit = (key: string) => {
        const chunk = manifest[key]
        if (!chunk || seen.has(key)) return
        seen.add(key)
        for (const imported of chunk.imports ?? []) visit(imported)
        for (const file of chunk.css ?? []) order.add(file)
      }
      for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key)
      for (const key of Object.keys(manifest)) visit(key)
      return [...order]
    },
  }
}
