import AxeBuilder from '@axe-core/playwright'
import type { Browser, BrowserContext, Page, Route } from 'playwright-core'
import { afterAll, beforeAll, expect } from 'vitest'
import { hydrated, launchBrowser, screenshot } from './browser'
import { signUp, startServer, type StartOptions, type TestServer } from './server'

export const PHONE = { width: 375, height: 812 }
export const DESKTOP = { width: 1280, height: 860 }

interface ContextOptions { viewport?: { width: number, height: number }, locale?: string, theme?: 'light' | 'dark' }

/** The cookies that carry a reader's chosen language and theme, as the app's switches set them. */
export function preferenceCookies(url: string, options: Pick<ContextOptions, 'locale' | 'theme'>) {
  const cookies: { name: string, value: string, url: string }[] = []
  if (options.locale) cookies.push({ name: 'nb_locale', value: options.locale, url })
  if (options.theme) cookies.push({ name: 'nb_theme', value: options.theme, url })
  return cookies
}

/** A new account, signed in through the session cookie the app itself sets (no form to fill). */
async function signedInContext(browser: Browser, server: TestServer, options: ContextOptions = {}) {
  const account = await signUp(server)
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, acceptDownloads: true })
  await context.addCookies([{ name: 'auth.token', value: account.token, url: server.url }, ...preferenceCookies(server.url, options)])
  return { context, account, page: await context.newPage() }
}

/**
 * The built server and Chromium for one test file, started together before its tests and stopped
 * after them. `options` are the server's, or a function that prepares them (starting a fake upstream first).
 */
export function useBrowserServer(options: StartOptions | (() => Promise<StartOptions>) = {}) {
  let server: TestServer | undefined
  let browser: Browser | undefined
  beforeAll(async () => {
    const serverOptions = typeof options === 'function' ? await options() : options
    ;[server, browser] = await Promise.all([startServer(serverOptions), launchBrowser()])
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })
  function started<T>(value: T | undefined): T {
    if (value === undefined) throw new Error('useBrowserServer starts the server and the browser in beforeAll: use them inside tests and hooks')
    return value
  }
  return {
    get server() {
      return started(server)
    },
    get browser() {
      return started(browser)
    },
    signedIn: (contextOptions: ContextOptions = {}) => signedInContext(started(browser), started(server), contextOptions),
  }
}

/** Fills the sign-in (or sign-up) form on the page and submits it. */
export async function submitAuthForm(page: Page, account: { email: string, password: string }) {
  await page.getByLabel('邮箱').fill(account.email)
  await page.getByLabel('密码').fill(account.password)
  await page.getByTestId('auth-submit').click()
}

/** Serious and critical accessibility violations on the page as it is now, as readable lines. */
export async function seriousViolations(page: Page) {
  // Element Plus ties labels to inputs only once the app is mounted; and colours caught halfway
  // through a transition are not what anyone reads.
  await hydrated(page)
  const found = await analyze(page)
  // A transition that began while axe was reading (a toast that timed out, fading) is caught halfway
  // too: read again once it is over. What is still there is a violation.
  return found.length ? analyze(page) : found
}

async function analyze(page: Page) {
  await settle(page)
  const results = await new AxeBuilder({ page }).analyze()
  return results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')}`)
}

export async function expectNoSeriousViolations(page: Page) {
  expect(await seriousViolations(page)).toEqual([])
}

/** Nothing wider than the viewport: no sideways scrolling on a phone. */
export async function expectNoHorizontalScroll(page: Page) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }))
  expect(scroll).toBeLessThanOrEqual(width)
}

export async function creditsShown(page: Page) {
  return (await page.getByTestId('credits-badge').textContent())?.replace(/\D+/g, '') ?? ''
}

/** Waits until an <img> has really decoded, and returns its natural size. */
export async function loadedImageSize(page: Page, testId: string) {
  const img = page.getByTestId(testId)
  // A generated picture: under the whole suite's load on two cores, its way to the page can pass 30 s.
  await img.waitFor({ timeout: 60_000 })
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0), { timeout: 15_000 }).toBe(true)
  return img.evaluate((el: HTMLImageElement) => ({ width: el.naturalWidth, height: el.naturalHeight }))
}

/** Holds the browser's requests matching `pattern` until `release` is called; `held` lists them as they come. */
export async function holdRequests(page: Page, pattern: Parameters<Page['route']>[0]) {
  let release!: () => void
  const released = new Promise<void>(resolve => (release = resolve))
  const held: string[] = []
  await page.route(pattern, async (route: Route) => {
    held.push(route.request().url())
    await released
    await route.continue()
  })
  return { held, release }
}

export async function closeAll(...contexts: (BrowserContext | undefined)[]) {
  await Promise.all(contexts.map(c => c?.close()))
}

/** A screenshot once transitions (dialogs fading in, buttons changing colour) have finished. */
export async function shot(page: Page, name: string) {
  await settle(page)
  await screenshot(page, name)
}

/** Waits for the page's finite CSS transitions and animations to end. */
async function settle(page: Page) {
  await page.evaluate(() => Promise.all(document.getAnimations()
    .filter(a => a.effect?.getTiming().iterations !== Infinity)
    .map(a => a.finished.catch(() => undefined))))
}
