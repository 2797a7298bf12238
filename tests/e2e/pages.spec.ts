import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { hydrated } from '../support/browser'
import { closeAll, DESKTOP, expectNoHorizontalScroll, expectNoSeriousViolations, PHONE, preferenceCookies, shot, useBrowserServer } from '../support/e2e'
import { client, signUp } from '../support/server'

// Every page of the site (the studio has its own tests) in both themes and both languages: axe finds
// nothing serious, nothing scrolls sideways, and a screenshot of each lands in tests/.artifacts/screenshots.
const ADMIN = { email: 'pages-admin@example.com', password: 'pages-admin-password-1' }
const web = useBrowserServer({ env: { NUXT_ADMIN_EMAIL: ADMIN.email, NUXT_ADMIN_PASSWORD: ADMIN.password } })
let owner: Awaited<ReturnType<typeof signUp>>
let adminToken: string

beforeAll(async () => {
  owner = await signUp(web.server)
  for (const [prompt, size] of [['Red fox in snow', '3:2'], ['A lighthouse in the fog', '2:3'], ['秋天的银杏大道，航拍视角', '16:9']] as const) {
    expect((await owner.api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt, size } })).status).toBe(200)
  }
  adminToken = (await client(web.server)<{ token: string }>('/api/login', { method: 'POST', body: ADMIN })).token
  const codes = await client(web.server, adminToken).raw('/api/admin/codes', { method: 'POST', body: { credits: 5, count: 2 } })
  expect(codes.status).toBe(201)
})

type Theme = 'light' | 'dark'
type Locale = 'zh-CN' | 'en'

async function browse(options: { theme: Theme, locale: Locale, token?: string, viewport?: { width: number, height: number } }) {
  const context = await web.browser.newContext({ viewport: options.viewport ?? DESKTOP })
  await context.addCookies([...preferenceCookies(web.server.url, options), ...(options.token ? [{ name: 'auth.token', value: options.token, url: web.server.url }] : [])])
  return { context, page: await context.newPage() }
}

/** Opens a page, waits for what shows it is ready, checks it and takes its picture. */
async function check(page: Page, path: string, ready: string, name: string, expectedStatus = 200) {
  const res = await page.goto(`${web.server.url}${path}`)
  expect(res?.status(), path).toBe(expectedStatus)
  await page.locator(ready).first().waitFor()
  await hydrated(page)
  await expectNoSeriousViolations(page)
  await expectNoHorizontalScroll(page)
  await shot(page, name)
}

const combos = [['light', 'zh-CN'], ['dark', 'zh-CN'], ['light', 'en'], ['dark', 'en']] as const

describe.each(combos)('every page in %s, %s', (theme, locale) => {
  const tag = `${theme}-${locale}`

  it('signed out: home, sign-in, sign-up and a missing page', async () => {
    const { context, page } = await browse({ theme, locale })
    await check(page, '/', '[data-testid="home-free"]', `home-${tag}`)
    expect(await page.getAttribute('html', 'lang')).toBe(locale)
    expect(await page.getAttribute('html', 'class') ?? '').toBe(theme === 'dark' ? 'dark' : '')
    await check(page, '/login', '[data-testid="auth-form"]', `login-${tag}`)
    await check(page, '/register', '[data-testid="auth-form"]', `register-${tag}`)
    await check(page, '/no-such-page', '[data-testid="error-page"]', `error-404-${tag}`, 404)
    await closeAll(context)
  })

  it('signed in: gallery, preview, account and the admin page a user may not open', async () => {
    const { context, page } = await browse({ theme, locale, token: owner.token })
    await check(page, '/gallery', '[data-testid="gallery-item"]', `gallery-${tag}`)
    await page.getByTestId('gallery-item').first().click()
    await page.getByTestId('preview-image').waitFor()
    await expect.poll(() => page.getByTestId('preview-image').evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true)
    await expectNoSeriousViolations(page)
    await shot(page, `preview-${tag}`)
    await check(page, '/account', '[data-testid="ledger-row"]', `account-${tag}`)
    await check(page, '/admin', '[data-testid="error-page"]', `error-403-${tag}`, 403)
    await closeAll(context)
  })

  it('as an admin: the users, redeem codes and models tabs', async () => {
    const { context, page } = await browse({ theme, locale, token: adminToken })
    await check(page, '/admin', '[data-testid="admin-users"] tbody tr', `admin-users-${tag}`)
    for (const [tab, ready, name] of [['codes', '[data-testid="admin-codes"] tbody tr', 'admin-codes'], ['models', '[data-testid="admin-models"] tbody tr', 'admin-models']] as const) {
      await page.locator(`#tab-${tab}`).click()
      await page.locator(ready).first().waitFor()
      await expectNoSeriousViolations(page)
      await shot(page, `${name}-${tag}`)
    }
    await closeAll(context)
  })
})

describe('every page on a phone, dark and in English', () => {
  it('fits 375 px and passes axe', async () => {
    const { context, page } = await browse({ theme: 'dark', locale: 'en', token: owner.token, viewport: PHONE })
    await check(page, '/gallery', '[data-testid="gallery-item"]', 'gallery-phone-dark-en')
    await check(page, '/account', '[data-testid="ledger-row"]', 'account-phone-dark-en')
    // The ledger's balance column in view, not behind a sideways scroll of the table.
    const ledger = await page.getByTestId('ledger').evaluate(table => ({ width: table.scrollWidth, shown: table.parentElement!.clientWidth }))
    expect(ledger.width).toBeLessThanOrEqual(ledger.shown)
    await check(page, '/nope', '[data-testid="error-page"]', 'error-404-phone-dark-en', 404)
    await closeAll(context)
    const admin = await browse({ theme: 'dark', locale: 'en', token: adminToken, viewport: PHONE })
    await check(admin.page, '/admin', '[data-testid="admin-users"] tbody tr', 'admin-users-phone-dark-en')
    await closeAll(admin.context)
  })
})
