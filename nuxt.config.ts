import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { NuxtHooks } from 'nuxt/schema'
import { buildCli } from './scripts/build-cli'
import { hydrationAssets, type HydrationAssets } from './scripts/hydration-assets'
import { CONFIG_DEFAULTS } from './server/config/defaults'

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }
// What a page needs from the client build beyond what Nuxt names (scripts/hydration-assets.ts).
const assets = hydrationAssets()
let nitroOptions: Parameters<NuxtHooks['nitro:init']>[0]['options'] | undefined

export default defineNuxtConfig({
  modules: ['@pinia/nuxt', '@element-plus/nuxt', '@nuxtjs/i18n', 'nuxt-security', '@nuxt/eslint'],
  devtools: { enabled: false },

  app: {
    head: {
      htmlAttrs: { lang: 'zh-CN' },
      meta: [{ name: 'viewport', content: 'width=device-width, initial-scale=1' }],
    },
  },

  // el-button.css: the header's theme toggle, the home and error pages' links and buttons are plain
  // elements in its classes, which Element Plus's automatic style imports do not see.
  css: ['element-plus/theme-chalk/dark/css-vars.css', 'element-plus/theme-chalk/el-button.css', '~/assets/main.css'],

  // Every value can be set by environment variable: NUXT_DATA_DIR, NUXT_JWT_SECRET, … (defaults in one place).
  runtimeConfig: {
    ...CONFIG_DEFAULTS,
    // Set by the build (hooks below); empty in development.
    hydrationAssets: { i18nConfig: '' } as HydrationAssets,
    // Error tracking (server/plugins/sentry.ts, app/plugins/sentry.client.ts): off unless set.
    public: { version, sentryDsn: '' },
  },

  // Nuxt would put each rendered component's styles in the HTML, and the server then puts the whole
  // stylesheets those components come in there too (server/plugins/inline-styles.ts): the same rules
  // twice. With this off, Nuxt links the stylesheets and the server puts each in the HTML once.
  features: { inlineStyles: false },

  experimental: {
    // A link fetches (and runs) its page's code when someone points at it or focuses it, not as soon as
    // it is on screen: every page's header links to three others, and loading their code while the
    // page itself hydrates was a fifth of a first visit's main-thread work (docs/PERFORMANCE.md).
    defaults: { nuxtLink: { prefetchOn: { visibility: false, interaction: true } } },
  },

  compatibilityDate: '2025-07-15',

  nitro: {
    // Gzip and Brotli copies of the build's files, sent by the Node server itself when no Nginx sits in
    // front (Nginx serves the .gz copies from disk: deploy/nginx/nano-banana.conf).
    compressPublicAssets: true,
    // Migrations travel inside the bundle, so a copied .output migrates its database by itself.
    serverAssets: [{ baseName: 'migrations', dir: fileURLToPath(new URL('./drizzle', import.meta.url)) }],
  },

  typescript: { strict: true },
  telemetry: false,

  hooks: {
    // The API's own routes, so an unknown /api path can be told from a known path with the wrong method.
    'nitro:init'(nitro) {
      nitro.options.virtual['#api-routes'] = () => `export default ${JSON.stringify(
        nitro.scannedHandlers
          .filter(h => h.route?.startsWith('/api/') && !h.route.includes('**'))
          .map(h => ({ route: h.route, method: (h.method ?? 'all').toUpperCase() })),
      )}`
      // Filled once the client is built (vite:compiled below); in development, nothing is inlined.
      nitro.options.virtual['#page-stylesheets'] = () => 'export default {}'
      nitroOptions = nitro.options
      // The admin command line ships inside the bundle: node .output/server/cli.mjs
      if (!nitro.options.dev) nitro.hooks.hook('compiled', () => buildCli(nitro.options.rootDir, nitro.options.output.serverDir))
    },
    // A page's HTML prefetches no other chunk: on a first visit over a slow link, every other page's
    // script and style (some 200 KB) would share the line with what this page needs. NuxtLink still
    // prefetches the page a visible link leads to, once this one is running. The Sentry SDK is loaded
    // only when a DSN is set (app/plugins/sentry.client.ts): no page preloads it either.
    'build:manifest'(manifest) {
      assets.remember(manifest)
      for (const [key, chunk] of Object.entries(manifest)) {
        chunk.prefetch = false
        if (key.includes('node_modules/@sentry/')) chunk.preload = false
      }
    },
    // Built into the server, once the manifest is final (Nitro builds after Vite): what hydration
    // fetches, in the private runtime config; the contents of the stylesheets, in the order the
    // browser applies them, which server/plugins/inline-styles.ts puts in each page's HTML.
    'vite:compiled'() {
      if (!nitroOptions) return
      nitroOptions.runtimeConfig.hydrationAssets = assets.result()
      const dir = join(nitroOptions.buildDir, 'dist/client', nitroOptions.runtimeConfig.app.buildAssetsDir)
      const styles = Object.fromEntries(assets.stylesheets().map(file => [file, readFileSync(join(dir, file), 'utf8')]))
      nitroOptions.virtual['#page-stylesheets'] = () => `export default ${JSON.stringify(styles)}`
    },
    // Our /api error format first; everything else falls through to Nuxt's error page. And the shared
    // per-request context (server/request-context.ts) before any other plugin's request hooks.
    'nitro:config'(config) {
      config.plugins = [fileURLToPath(new URL('./server/request-context.ts', import.meta.url)), ...(config.plugins ?? [])]
      const nuxtHandlers = config.errorHandler ? [config.errorHandler].flat() : []
      config.errorHandler = [fileURLToPath(new URL('./server/error.ts', import.meta.url)), ...nuxtHandlers] as unknown as string
    },
  },

  elementPlus: { importStyle: 'css', themes: ['dark'] },

  eslint: { config: { stylistic: true } },

  i18n: {
    defaultLocale: 'zh-CN',
    strategy: 'no_prefix',
    // The reader's choice is kept in the nb_locale cookie (app/plugins/locale.ts); first visits get zh-CN.
    detectBrowserLanguage: false,
    locales: [
      { code: 'zh-CN', language: 'zh-CN', name: '简体中文', files: ['zh-CN.json', 'zh-CN.admin.json'] },
      { code: 'en', language: 'en', name: 'English', files: ['en.json', 'en.admin.json'] },
    ],
  },

  // Fixed security headers on every response; HSTS (HTTPS only) and Cache-Control are set per request
  // by server/middleware/2.headers.ts. The CSP's nonces cover Nuxt's own inline scripts.
  security: {
    nonce: true,
    headers: {
      contentSecurityPolicy: {
        'default-src': ['\'self\''],
        'script-src': ['\'self\'', '\'nonce-{{nonce}}\'', '\'strict-dynamic\''],
        'script-src-attr': ['\'none\''],
        // Vue and Element Plus set style attributes at run time.
        'style-src': ['\'self\'', '\'unsafe-inline\''],
        'img-src': ['\'self\'', 'data:', 'blob:'],
        'font-src': ['\'self\'', 'data:'],
        'connect-src': ['\'self\''],
        'object-src': ['\'none\''],
        'base-uri': ['\'none\''],
        'form-action': ['\'self\''],
        'frame-ancestors': ['\'none\''],
        'upgrade-insecure-requests': false,
      },
      strictTransportSecurity: false,
      crossOriginEmbedderPolicy: false,
      xFrameOptions: 'DENY',
      referrerPolicy: 'strict-origin-when-cross-origin',
      permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
    },
    // The app has its own, tested versions of these: streaming body limits, rate limits that hold
    // across accounts, and one error format.
    requestSizeLimiter: false,
    rateLimiter: false,
    xssValidator: false,
    corsHandler: false,
    allowedMethodsRestricter: false,
    hidePoweredBy: true,
  },
})
