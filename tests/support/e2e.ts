import { hydrated, screenshot } from '../support/browser'
import AxeBuilder from '@axe-core/playwright'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { expect } from 'vitest'
import { signUp, type TestServer } from '../support/server'

export const PHONE = { width: 375, height: 812 }
export const DESKTOP = { width: 1280, height: 860 }

/** A new account, signed in through the session cookie the app itself sets (no form to fill). */
export async function signedInContext(browser: Browser, server: TestServer, options: { viewport?: { width: number, height: number }, locale?: string } = {}) {
  const account = await signUp(server)
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, acceptDownloads: true })
  const cookies = [{ name: 'auth.token', value: account.token, url: server.url }]
  if (options.locale) cookies.push({ name: 'nb_locale', value: options.locale, url: server.url })
  await context.addCookies(cookies)
  return { context, account, page: await context.newPage() }
}

/** Serious and critical accessibility violations on the page as it is now, as readable lines. */
export async function seriousViolations(page: Page) {
  // Element Plus ties labels to inputs only once the app is mounted; and colours caught halfway
  // through a transition are not what anyone reads.
  await hydrated(page)
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
  await img.waitFor()
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0), { timeout: 15_000 }).toBe(true)
  return img.evaluate((el: HTMLImageElement) => ({ width: el.naturalWidth, height: el.naturalHeight }))
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
export async function settle(page: Page) {
  await page.evaluate(() => Promise.all(document.getAnimations()
    .filter(a => a.effect?.getTiming().iterations !== Infinity)
    .map(a => a.finished.catch(() => undefined))))
}
