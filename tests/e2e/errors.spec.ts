import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { closeAll, DESKTOP, expectNoHorizontalScroll, expectNoSeriousViolations, PHONE, preferenceCookies, shot, useBrowserServer } from '../support/e2e'

const web = useBrowserServer()

const words = {
  'zh-CN': { notFound: '找不到这个页面', forbidden: '你没有权限打开这个页面', failed: '出了点问题', retry: '重试', gallery: '我的画廊', studio: '去创作' },
  'en': { notFound: 'Page not found', forbidden: 'You cannot open this page', failed: 'Something went wrong', retry: 'Try again', gallery: 'My gallery', studio: 'Open the studio' },
} as const
const combos = [['light', 'zh-CN'], ['dark', 'zh-CN'], ['light', 'en'], ['dark', 'en']] as const

/** The app's error page, inside its header and footer, with the status and the title given; returns it. */
async function errorPage(page: Page, status: number, title: string) {
  const error = page.getByTestId('error-page')
  await error.waitFor()
  expect(await page.locator('header.nb-header').count()).toBe(1)
  expect(await page.locator('footer.nb-footer').count()).toBe(1)
  expect(await error.getByTestId('error-status').textContent()).toContain(String(status))
  expect(await error.locator('h1').textContent()).toBe(title)
  return error
}

/** The page's own background, as painted: the theme's, not the framework's navy. */
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor)

describe('the error page in Chromium', () => {
  it.each(combos)('answers an unknown address with 404, inside the app\'s header and footer (%s, %s, signed out)', async (theme, locale) => {
    const context = await web.browser.newContext({ viewport: DESKTOP })
    await context.addCookies(preferenceCookies(web.server.url, { theme, locale }))
    const page = await context.newPage()
    const res = await page.goto(`${web.server.url}/no/such-page?x=1`)
    expect(res?.status()).toBe(404)
    await errorPage(page, 404, words[locale].notFound)
    expect(await page.getAttribute('html', 'lang')).toBe(locale)
    expect(await page.getAttribute('html', 'class') ?? '').toBe(theme === 'dark' ? 'dark' : '')
    expect(await background(page)).toBe(theme === 'dark' ? 'rgb(20, 20, 20)' : 'rgb(250, 250, 247)')
    // Said once, in the reader's language: not the framework's English page.
    expect(await page.getByText('Page Not Found', { exact: true }).count()).toBe(0)
    expect(await page.title()).toContain(words[locale].notFound)
    await expectNoSeriousViolations(page)
    await shot(page, `error-404-${theme}-${locale}`)
    await closeAll(context)
  })

  it('leads a signed-in reader from a missing page to the gallery and the studio', async () => {
    const { context, page } = await web.signedIn()
    const res = await page.goto(`${web.server.url}/studio/old-link`)
    expect(res?.status()).toBe(404)
    await page.getByTestId('error-page').waitFor()
    expect(await page.getByTestId('credits-badge').count()).toBe(1)
    expect(await page.getByTestId('error-home').count()).toBe(0)
    await page.getByTestId('error-gallery').click()
    await page.waitForURL(url => url.pathname === '/gallery')
    await page.getByTestId('gallery-empty').waitFor()
    expect(await page.getByTestId('error-page').count()).toBe(0)

    await page.goto(`${web.server.url}/nope`)
    await page.getByTestId('error-studio').click()
    await page.waitForURL(url => url.pathname === '/studio')
    await page.getByTestId('generate').waitFor()
    await closeAll(context)
  })

  it('fits a phone', async () => {
    const { context, page } = await web.signedIn({ viewport: PHONE })
    await page.goto(`${web.server.url}/nope`)
    await page.getByTestId('error-page').waitFor()
    await expectNoHorizontalScroll(page)
    await expectNoSeriousViolations(page)
    await shot(page, 'error-404-phone')
    await closeAll(context)
  })

  it.each(combos)('tells a signed-in user without the admin role that /admin is not theirs: 403 (%s, %s)', async (theme, locale) => {
    const { context, page } = await web.signedIn({ theme, locale })
    const res = await page.goto(`${web.server.url}/admin`)
    expect(res?.status()).toBe(403)
    expect(page.url()).toBe(`${web.server.url}/admin`)
    await errorPage(page, 403, words[locale].forbidden)
    expect(await page.getByTestId('admin-page').count()).toBe(0)
    await expectNoSeriousViolations(page)
    await shot(page, `error-403-${theme}-${locale}`)
    await closeAll(context)
  })

  it.each(combos)('offers to try again after a failure (500), which brings the page back (%s, %s)', async (theme, locale) => {
    const { context, page } = await web.signedIn({ theme, locale })
    await page.goto(`${web.server.url}/gallery`)
    await page.getByTestId('gallery-empty').waitFor()
    // A failure the app did not foresee, as Nuxt reports one (showError): the app's error state is set.
    await page.evaluate(() => {
      type Root = HTMLElement & { __vue_app__: { config: { globalProperties: { $nuxt: { payload: { error?: object } } } } } }
      const app = document.querySelector<Root>('#__nuxt')!.__vue_app__
      app.config.globalProperties.$nuxt.payload.error = { status: 500, statusCode: 500, statusText: 'Internal Server Error', message: 'Internal Server Error' }
    })
    const error = await errorPage(page, 500, words[locale].failed)
    expect(await page.title()).toContain(words[locale].failed)
    await expectNoSeriousViolations(page)
    await shot(page, `error-500-${theme}-${locale}`)

    await error.getByTestId('error-retry').getByText(words[locale].retry).click()
    await page.getByTestId('gallery-empty').waitFor()
    expect(await page.getByTestId('error-page').count()).toBe(0)
    await closeAll(context)
  })

  it('still sends a signed-out visitor from /admin to sign in', async () => {
    const page = await web.browser.newPage()
    await page.goto(`${web.server.url}/admin`)
    await page.waitForURL(/\/login\?redirect=(\/|%2F)admin/)
    await page.close()
  })
})
