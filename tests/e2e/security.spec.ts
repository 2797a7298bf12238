import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { closeAll, submitAuthForm, useBrowserServer } from '../support/e2e'
import { client, signUp } from '../support/server'

const ADMIN_EMAIL = 'csp-admin@example.com'
const ADMIN_PASSWORD = 'csp-admin-password-1'

const web = useBrowserServer({ env: { NUXT_ADMIN_EMAIL: ADMIN_EMAIL, NUXT_ADMIN_PASSWORD: ADMIN_PASSWORD } })

/** Every Content-Security-Policy violation the page reports, from the console and from the DOM event. */
function watchViolations(page: Page) {
  const violations: string[] = []
  page.on('console', (message) => {
    if (/content security policy/i.test(message.text())) violations.push(message.text())
  })
  page.on('pageerror', error => violations.push(`page error: ${error.message}`))
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`)
    })
  })
  return violations
}

describe('the Content-Security-Policy in Chromium', () => {
  it('lets every page run, signed out, signed in and as an admin, without a single violation', async () => {
    const anonymous = await web.browser.newContext()
    const page = await anonymous.newPage()
    const violations = watchViolations(page)
    for (const path of ['/', '/login', '/register', '/no-such-page']) {
      await page.goto(`${web.server.url}${path}`)
      await page.waitForLoadState('networkidle')
    }

    const { context, page: signedIn } = await web.signedIn()
    const signedInViolations = watchViolations(signedIn)
    for (const path of ['/studio', '/gallery', '/account']) {
      await signedIn.goto(`${web.server.url}${path}`)
      await signedIn.waitForLoadState('networkidle')
    }
    // A picture made and shown: images, the preview dialog, the theme switch.
    await signedIn.goto(`${web.server.url}/studio`)
    await signedIn.getByLabel('提示词', { exact: true }).fill('a lighthouse in the fog')
    await signedIn.getByTestId('generate').click()
    await signedIn.getByTestId('result-image').waitFor({ timeout: 20_000 })
    await signedIn.getByTestId('theme-toggle').click()

    const adminContext = await web.browser.newContext()
    const admin = await adminContext.newPage()
    const adminViolations = watchViolations(admin)
    const login = await client(web.server).raw<{ token: string }>('/api/login', { method: 'POST', body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })
    await adminContext.addCookies([{ name: 'auth.token', value: login._data!.token, url: web.server.url }])
    await admin.goto(`${web.server.url}/admin`)
    await admin.waitForLoadState('networkidle')

    expect([...violations, ...signedInViolations, ...adminViolations]).toEqual([])
    await closeAll(anonymous, context, adminContext)
  })
})

describe('the session cookie in Chromium', () => {
  it('is HttpOnly: after signing in through the form, page scripts see no token anywhere', async () => {
    const account = await signUp(web.server)
    const context = await web.browser.newContext()
    const page = await context.newPage()
    await page.goto(`${web.server.url}/login`)
    await submitAuthForm(page, account)
    await page.waitForURL(/\/studio$/)

    const cookie = (await context.cookies()).find(c => c.name === 'auth.token')!
    expect(cookie.httpOnly).toBe(true)
    expect(cookie.sameSite).toBe('Lax')
    expect(await page.evaluate(() => document.cookie)).not.toContain('auth.token')
    const pageText = await page.evaluate(() => document.documentElement.outerHTML + JSON.stringify(window.localStorage) + JSON.stringify(window.sessionStorage))
    expect(pageText).not.toContain(cookie.value)
    // The server-rendered page (its payload included) does not carry it either.
    await page.reload()
    expect(await page.content()).not.toContain(cookie.value)
    await context.close()
  })
})
