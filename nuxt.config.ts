import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string }

export default defineNuxtConfig({
  modules: ['@pinia/nuxt', '@element-plus/nuxt', '@sidebase/nuxt-auth', '@nuxtjs/i18n', '@nuxt/eslint'],
  devtools: { enabled: false },

  app: {
    head: {
      htmlAttrs: { lang: 'zh-CN' },
      meta: [{ name: 'viewport', content: 'width=device-width, initial-scale=1' }],
    },
  },

  css: ['element-plus/theme-chalk/dark/css-vars.css', '~/assets/main.css'],

  // Every value can be set by environment variable: NUXT_DATA_DIR, NUXT_JWT_SECRET, …
  runtimeConfig: {
    dataDir: './data',
    jwtSecret: '',
    jwtTtl: '7d',
    adminEmail: '',
    adminPassword: '',
    signupCredits: 3,
    imageProvider: 'auto',
    imageApiBaseUrl: 'https://api.openai-hk.com',
    imageApiKey: '',
    imageApiTimeoutMs: 120000,
    public: { version },
  },

  routeRules: {
    '/**': {
      headers: {
        'X-Content-Type-Options': 'nosniff',
        'X-Frame-Options': 'DENY',
        'Referrer-Policy': 'strict-origin-when-cross-origin',
      },
    },
  },

  experimental: {
    // sidebase reads `auth` page meta before Nuxt 4 would extract it otherwise.
    scanPageMeta: true,
    extraPageMetaExtractionKeys: ['auth'],
  },
  compatibilityDate: '2025-07-15',

  nitro: {
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
    },
    // Our /api error format first; everything else falls through to Nuxt's error page.
    'nitro:config'(config) {
      const nuxtHandlers = config.errorHandler ? [config.errorHandler].flat() : []
      config.errorHandler = [fileURLToPath(new URL('./server/error.ts', import.meta.url)), ...nuxtHandlers] as unknown as string
    },
  },

  auth: {
    baseURL: '/api',
    // Pages need an account unless they say `auth: false`; /login gets ?redirect=… to come back.
    globalAppMiddleware: { isEnabled: true, addDefaultCallbackUrl: true },
    provider: {
      type: 'local',
      endpoints: {
        signIn: { path: '/login', method: 'post' },
        signOut: { path: '/logout', method: 'post' },
        signUp: { path: '/register', method: 'post' },
        getSession: { path: '/users/me', method: 'get' },
      },
      pages: { login: '/login' },
      token: {
        signInResponseTokenPointer: '/token',
        type: 'Bearer',
        cookieName: 'auth.token',
        headerName: 'Authorization',
        maxAgeInSeconds: 7 * 24 * 60 * 60,
        sameSiteAttribute: 'lax',
      },
      session: {
        dataType: { id: 'number', email: 'string', credits: 'number', role: '\'user\' | \'admin\'', createdAt: 'string' },
        dataResponsePointer: '/',
      },
    },
    sessionRefresh: { enableOnWindowFocus: true, enablePeriodically: false },
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
})
