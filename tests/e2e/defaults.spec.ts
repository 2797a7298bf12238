import { describe, expect, it } from 'vitest'
import { hydrated } from '../support/browser'
import { closeAll, preferenceCookies, shot, submitAuthForm, useBrowserServer } from '../support/e2e'
import { signUp } from '../support/server'

// An installation that gives 7 credits to a new account: the home page says so.
const web = useBrowserServer({ env: { NUXT_SIGNUP_CREDITS: '7' } })

describe('first visits in Chromium', () => {
  it.each([
    ['en-US', 'en', 'Sign up and get 7 free credits. No card needed.'],
    ['en-GB', 'en', 'Sign up and get 7 free credits. No card needed.'],
    ['fr-FR', 'en', 'Sign up and get 7 free credits. No card needed.'],
    ['zh-CN', 'zh-CN', '注册即送 7 点免费积分，无需绑定银行卡。'],
    ['zh-TW', 'zh-CN', '注册即送 7 点免费积分，无需绑定银行卡。'],
  ])('speak the browser\'s language (%s → %s) and say how many free credits a sign-up brings', async (browserLocale, appLocale, free) => {
    const context = await web.browser.newContext({ locale: browserLocale })
    const page = await context.newPage()
    await page.goto(`${web.server.url}/`)
    expect(await page.getAttribute('html', 'lang')).toBe(appLocale)
    expect((await page.getByTestId('home-free').textContent())?.trim()).toBe(free)
    // Rendered so by the server: the HTML before any script runs is in that language already.
    const html = await (await fetch(`${web.server.url}/`, { headers: { 'accept-language': browserLocale } })).text()
    expect(html).toMatch(new RegExp(`<html[^>]*lang="${appLocale}"`))
    // So is the language switch: its option for that language is the selected one.
    expect(html).toMatch(new RegExp(`<option value="${appLocale}"[^>]* selected`))
    await closeAll(context)
  })

  it('keep the language the reader picks, whatever the browser says', async () => {
    const context = await web.browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    await page.goto(`${web.server.url}/login`)
    expect(await page.getAttribute('html', 'lang')).toBe('en')
    await hydrated(page)
    await page.getByTestId('language-switch').selectOption({ label: '简体中文' })
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('zh-CN')
    await page.reload()
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN')
    expect(await page.locator('main h1').textContent()).toBe('登录 Nano-Banana')
    await closeAll(context)
  })

  it('follow the system\'s dark scheme from the first paint until the reader picks a theme', async () => {
    const context = await web.browser.newContext({ colorScheme: 'dark' })
    const page = await context.newPage()
    // Without the app's code (kept away), the page is already dark: no light flash before hydration.
    const appCode = (url: URL) => url.pathname.startsWith('/_nuxt/') && url.pathname.endsWith('.js')
    await page.route(appCode, route => route.abort())
    await page.goto(`${web.server.url}/`)
    expect(await page.evaluate(() => document.documentElement.dataset.hydrated)).toBeUndefined()
    expect(await page.getAttribute('html', 'class')).toBe('dark')
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(20, 20, 20)')
    await page.unroute(appCode)

    await page.reload()
    await hydrated(page)
    expect(await page.getAttribute('html', 'class')).toBe('dark')
    const toggle = page.getByTestId('theme-toggle')
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true')
    await shot(page, 'home-system-dark')
    // The system turns light: so does the page, nothing having been chosen.
    await page.emulateMedia({ colorScheme: 'light' })
    await expect.poll(() => page.getAttribute('html', 'class')).toBe('')
    await page.emulateMedia({ colorScheme: 'dark' })
    await expect.poll(() => page.getAttribute('html', 'class')).toBe('dark')

    // Picking light wins over the dark system, now and after a reload.
    await toggle.click()
    await expect.poll(() => page.getAttribute('html', 'class')).toBe('')
    expect((await context.cookies()).find(c => c.name === 'nb_theme')?.value).toBe('light')
    await page.reload()
    expect(await page.getAttribute('html', 'class')).toBe('')
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(250, 250, 247)')
    await closeAll(context)
  })

  it('stay light on a light system', async () => {
    const context = await web.browser.newContext({ colorScheme: 'light' })
    const page = await context.newPage()
    await page.goto(`${web.server.url}/`)
    await hydrated(page)
    expect(await page.getAttribute('html', 'class')).toBe('')
    expect(await page.getByTestId('theme-toggle').getAttribute('aria-pressed')).toBe('false')
    await closeAll(context)
  })
})

describe('a first visit\'s HTML', () => {
  // Everything a page fetches while it hydrates is named in its head, so that on a slow link it arrives
  // with the scripts instead of a round trip after the other once they have run (Vite's loader fetches
  // the stylesheets of the page's components, whose styles are inlined; @nuxtjs/i18n its options chunk
  // and the locale's messages).
  it.each([
    ['/', 'zh-CN', false],
    ['/login', 'en', false],
    ['/gallery', 'zh-CN', true],
    ['/studio', 'en', true],
    ['/account', 'en', true],
  ])('names every script, stylesheet and message file %s fetches while hydrating (%s)', async (path, locale, signedIn) => {
    const { context, page } = signedIn
      ? await web.signedIn({ locale })
      : await (async () => {
          const context = await web.browser.newContext()
          await context.addCookies(preferenceCookies(web.server.url, { locale }))
          return { context, page: await context.newPage() }
        })()
    const fetched: string[] = []
    page.on('request', (request) => {
      const url = new URL(request.url())
      // Not Nuxt's build manifest (/_nuxt/builds/), asked for a second after the page is ready.
      if (/^\/_(nuxt|i18n)\/(?!builds\/)/.test(url.pathname)) fetched.push(url.pathname)
    })
    const html = await (await page.goto(`${web.server.url}${path}`))!.text()
    await hydrated(page)
    // The parts that hydrate when the browser is idle have had their turn too.
    await page.waitForLoadState('networkidle')
    const named = new Set([...html.matchAll(/<(?:link|script)\b[^>]*\b(?:href|src)="([^"]+)"/g)].map(m => m[1]))
    expect(fetched.some(url => url.endsWith('/messages.json'))).toBe(true)
    expect(fetched.filter(url => !named.has(url))).toEqual([])
    // Each once: the preloaded files are the ones the app then uses.
    expect(fetched.filter((url, i) => fetched.indexOf(url) !== i)).toEqual([])
    await closeAll(context)
  })

  // Nothing holds the first paint, and nothing is added while the page hydrates: every stylesheet the
  // page names (those Nuxt links, those its chunks would fetch) is in its HTML
  // (server/plugins/inline-styles.ts), their links disabled, so neither the page nor Vite's loader
  // fetches them, before or after hydration, on this page or the next.
  it('has every stylesheet it names inline, and the browser never fetches them', async () => {
    const { context, page } = await web.signedIn({ locale: 'en' })
    // Errors once the app runs; before, only what the content security policy refuses (the app's
    // code is kept away on purpose then).
    let appRuns = false
    const problems: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error' && (appRuns || /Content Security Policy/i.test(message.text()))) problems.push(message.text())
    })
    const stylesheets: string[] = []
    page.on('request', (request) => {
      const url = new URL(request.url())
      if (url.pathname.endsWith('.css')) stylesheets.push(url.pathname)
    })
    // First what the HTML alone draws, the app's code kept away.
    const appCode = (url: URL) => url.pathname.startsWith('/_nuxt/') && url.pathname.endsWith('.js')
    await page.route(appCode, route => route.abort())
    const html = await (await page.goto(`${web.server.url}/studio`))!.text()
    const links = [...html.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*>/g)].map(m => m[0])
    // The global styles, Element Plus's input and alert, the thumbnails', the layout's, the studio's.
    expect(links.length).toBeGreaterThanOrEqual(5)
    expect(links.filter(tag => !/\sdisabled[\s>]/.test(tag))).toEqual([])
    const inlined = links.map(tag => /\shref="([^"]+)"/.exec(tag)![1]!)
    // Each file's rules once: one style per file, and no component's styles besides.
    expect((html.match(/<style[\s>]/g) ?? []).length).toBe(new Set(inlined).size)
    // main.css (a global style) and el-input.css (one of Element Plus's) both apply.
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(250, 250, 247)')
    const prompt = page.locator('.el-textarea__inner, .el-input__wrapper').first()
    expect(await prompt.evaluate(el => getComputedStyle(el).boxShadow)).not.toBe('none')
    // In the order the browser applies them: the studio's canvas (.nb-empty) overrides the padding of
    // the EmptyState it uses (.nb-empty-state, 48px 24px), with a rule just as specific.
    const canvas = page.locator('.nb-empty')
    expect(await canvas.evaluate(el => getComputedStyle(el).padding)).toBe('24px 16px')
    await page.unroute(appCode)

    appRuns = true
    await page.reload()
    await hydrated(page)
    await page.waitForLoadState('networkidle')
    expect(stylesheets).toEqual([])
    expect(await canvas.evaluate(el => getComputedStyle(el).padding)).toBe('24px 16px')
    // A page the app draws by itself needs other stylesheets, which it fetches; the inlined ones stay.
    await page.getByTestId('nav-account').click()
    await page.waitForURL('**/account')
    await page.waitForLoadState('networkidle')
    expect(await page.locator('.el-descriptions__table').first().evaluate(el => getComputedStyle(el).borderCollapse)).toBe('collapse')
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(250, 250, 247)')
    expect(stylesheets.length).toBeGreaterThan(0)
    expect(stylesheets.filter(url => inlined.includes(url))).toEqual([])
    expect(problems).toEqual([])
    await closeAll(context)
  })
})

describe('the home page\'s language', () => {
  it('switches everywhere on the page, sections below the fold of a phone included', async () => {
    const context = await web.browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 600 } })
    const page = await context.newPage()
    await page.goto(`${web.server.url}/`)
    await hydrated(page)
    await page.getByTestId('language-switch').selectOption('en')
    await expect.poll(() => page.locator('h1').textContent()).toBe('Draw what you imagine with one sentence')
    // Never scrolled to: still taken over by the app, so they follow the switch too.
    await expect.poll(() => page.locator('#nb-steps-title').textContent()).toContain('Three steps to a picture')
    expect(await page.locator('#nb-examples-title').textContent()).toContain('One sentence, one picture')
    expect(await page.getByTestId('home-example').last().locator('figcaption').textContent()).not.toMatch(/[\u4e00-\u9fff]/)
    await closeAll(context)
  })
})

describe('the home page\'s examples', () => {
  it('open the studio with their prompt filled in', async () => {
    const { context, page } = await web.signedIn()
    await page.goto(`${web.server.url}/`)
    const example = page.getByTestId('home-example').nth(1)
    const caption = (await example.locator('figcaption').textContent())!.replace(/[“”]/g, '')
    expect(caption).toBe('清晨薄雾中的山间村落，水墨画')
    await example.click()
    await page.waitForURL(url => url.pathname === '/studio' && url.searchParams.get('prompt') === caption)
    await expect.poll(() => page.getByLabel(/提示词/).inputValue()).toBe(caption)
    await closeAll(context)
  })

  it('take a signed-out visitor through sign-in to the studio with that prompt', async () => {
    const account = await signUp(web.server)
    const page = await web.browser.newPage()
    await page.goto(`${web.server.url}/`)
    await hydrated(page)
    await page.getByTestId('home-example').first().click()
    await page.waitForURL(/\/login\?redirect=/)
    await submitAuthForm(page, account)
    await page.waitForURL(url => url.pathname === '/studio')
    expect(await page.getByLabel(/提示词/).inputValue()).toBe('漂浮在香蕉星球上空的猫咪宇航员，童话插画风格')
    await page.close()
  })
})

describe('a page marked hydrated', () => {
  it('answers at once, parts that hydrate when the browser is idle included', async () => {
    const { context, page } = await web.signedIn()
    // The moment <html data-hydrated> is set (what the browser tests wait for), use the header's
    // preferences and the gallery's filters, which hydrate when the browser is idle (HydrateWhenIdle).
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.documentElement.dataset.hydrated !== 'true') return
        observer.disconnect()
        const get = <T extends HTMLElement>(testid: string) => document.querySelector<T>(`[data-testid="${testid}"]`)!
        get('theme-toggle').click()
        get('gallery-favorites').querySelector('input')!.click()
        const language = get<HTMLSelectElement>('language-switch')
        language.value = 'en'
        language.dispatchEvent(new Event('change'))
      }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] })
    })
    await page.goto(`${web.server.url}/gallery`)
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('en')
    expect(await page.getAttribute('html', 'class')).toContain('dark')
    await page.waitForURL(url => url.searchParams.get('favorite') === '1')
    await closeAll(context)
  })
})
