/**
 * What a first visit fetches while it hydrates that its HTML does not name, worked out from the client
 * build's manifest for app/plugins/hydration-preloads.server.ts:
 * - **the stylesheets of the page's components.** Their styles are inlined in the HTML, so Nuxt takes
 *   them out of the manifest; but Vite's loader still fetches a chunk's stylesheets, and waits for them,
 *   before it runs the chunk (the page, the layout, a lazy component).
 * - **the vue-i18n options chunk** (i18n/i18n.config.ts), which @nuxtjs/i18n imports when it starts.
 */
import type { NuxtHooks } from 'nuxt/schema'

type Manifest = Parameters<NuxtHooks['build:manifest']>[0]

export interface HydrationAssets {
  /** For a module (a manifest key, as in the SSR context's `modules`): the inlined stylesheets its chunk fetches. */
  css: Record<string, string[]>
  /** The vue-i18n options chunk's file, if there is one. */
  i18nConfig: string
}

export function hydrationAssets() {
  let manifest: Manifest = {}
  let cssBefore: Record<string, string[]> = {}
  return {
    /** From `build:manifest`, before Nuxt's own handler empties the lists of inlined stylesheets. */
    remember(built: Manifest) {
      manifest = built
      cssBefore = Object.fromEntries(Object.entries(built).map(([key, chunk]) => [key, [...(chunk.css ?? [])]]))
    },
    /** Once the manifest is final (`vite:compiled`). */
    result(): HydrationAssets {
      const inlined = (key: string) => (cssBefore[key] ?? []).filter(file => !manifest[key]?.css?.includes(file))
      const css: Record<string, string[]> = {}
      for (const [key, chunk] of Object.entries(manifest)) {
        if (!chunk.src || chunk.isEntry) continue
        // The chunk and what it imports, as Vite's loader walks them; the entry's own are in the HTML.
        const files = new Set<string>()
        const seen = new Set<string>()
        const walk = (id: string) => {
          if (seen.has(id) || !manifest[id] || manifest[id].isEntry) return
          seen.add(id)
          for (const file of inlined(id)) files.add(file)
          for (const imported of manifest[id].imports ?? []) walk(imported)
        }
        walk(key)
        if (files.size) css[key] = [...files]
      }
      const i18nConfig = Object.values(manifest).find(chunk => chunk.src?.endsWith('/i18n.config.ts'))?.file ?? ''
      return { css, i18nConfig }
    },
    /**
     * Every stylesheet a rendered page names (`vite:compiled`): those Nuxt still links once the manifest
     * is final, and the inlined ones its chunks fetch (app/plugins/hydration-preloads.server.ts).
     */
    stylesheets(): string[] {
      return [...new Set([...Object.values(manifest).flatMap(chunk => chunk.css ?? []), ...Object.values(this.result().css).flat()])]
    },
  }
}
