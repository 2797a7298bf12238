import { describe, expect, it } from 'vitest'
import { hydrationAssets } from '../../../scripts/hydration-assets'

type Manifest = Parameters<ReturnType<typeof hydrationAssets>['remember']>[0]

// A page importing a thumbnail component and Element Plus's alert, the thumbnail importing the alert
// too; the layout imports nothing with styles. The keys are in no useful order, as in a real manifest.
const manifest = {
  'pages/gallery.vue': { file: 'gallery.js', src: 'pages/gallery.vue', css: ['gallery.css'], imports: ['_thumb.js', '_el-alert.js', 'entry.js'], isDynamicEntry: true },
  '_el-alert.js': { file: 'el-alert.js', css: ['el-alert.css'] },
  'layouts/default.vue': { file: 'default.js', src: 'layouts/default.vue', css: ['default.css'], imports: ['entry.js'], isDynamicEntry: true },
  '_thumb.js': { file: 'thumb.js', css: ['thumb.css'], imports: ['_el-alert.js'] },
  'entry.js': { file: 'entry.js', src: 'entry.js', css: ['entry.css'], isEntry: true },
  'i18n/i18n.config.ts': { file: 'i18n-config.js', src: '/app/i18n/i18n.config.ts', isDynamicEntry: true },
} as unknown as Manifest

describe('the stylesheets of a build', () => {
  it('come in the order the browser applies them: the entry\'s first, each chunk\'s after its imports\'', () => {
    const assets = hydrationAssets()
    assets.remember(manifest)
    expect(assets.stylesheets()).toEqual(['entry.css', 'el-alert.css', 'thumb.css', 'gallery.css', 'default.css'])
  })

  it('name the vue-i18n options chunk', () => {
    const assets = hydrationAssets()
    assets.remember(manifest)
    expect(assets.result()).toEqual({ i18nConfig: 'i18n-config.js' })
  })
})
