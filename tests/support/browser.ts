import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { ROOT, testAddress } from './server'

/** Debian's Chromium (CI installs it); CHROMIUM_PATH points elsewhere, e.g. to Playwright's own build. */
export function chromiumPath() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(path)) throw new Error(`Chromium not found at ${path}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`)
  return path
}

/**
 * Debian's Chromium through Playwright. Every page's goto and reload also wait until Vue has hydrated
 * the server-rendered HTML: before that a click reaches a button with no handler yet, which made
 * tests fail now and then on a busy machine. Each context is a client of its own address (in
 * X-Forwarded-For, which the test servers believe from loopback), as separate people would be.
 * Pages speak Chinese unless a test asks otherwise: the first visit's language follows the
 * browser's (Accept-Language), and the app is Chinese first.
 */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  })
  const newContext = browser.newContext.bind(browser)
  browser.newContext = async (options) => {
    const context = await newContext({ locale: 'zh-CN', ...options, extraHTTPHeaders: { 'X-Forwarded-For': testAddress(), ...options?.extraHTTPHeaders } })
    context.on('page', waitForHydrationOnNavigation)
    return context
  }
  const newPage = browser.newPage.bind(browser)
  browser.newPage = async (options) => {
    const page = await newPage({ locale: 'zh-CN', ...options, extraHTTPHeaders: { 'X-Forwarded-For': testAddress(), ...options?.extraHTTPHeaders } })
    waitForHydrationOnNavigation(page)
    return page
  }
  return browser
}

function waitForHydrationOnNavigation(page: Page) {
  const goto = page.goto.bind(page)
  const reload = page.reload.bind(page)
  page.goto = async (url, options) => {
    const response = await goto(url, options)
    await hydrated(page).catch(() => undefined)
    return response
  }
  page.reload = async (options) => {
    const response = await reload(options)
    await hydrated(page).catch(() => undefined)
    return response
  }
}

const SCREENSHOT_DIR = join(ROOT, 'tests/.artifacts/screenshots')

/** Saves a screenshot for people to look at (the folder is ignored by git). */
export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true })
}

/**
 * Waits until Vue has hydrated the server-rendered page, async page components included
 * (app/plugins/hydrated.client.ts marks it), so clicks reach their handlers.
 */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true', undefined, { timeout: 15_000 })
}
