import { describe, expect, it } from 'vitest'
import { hydrated, screenshot } from '../support/browser'
import { submitAuthForm, useBrowserServer } from '../support/e2e'
import { uniqueEmail } from '../support/server'

const web = useBrowserServer()

describe('a new user in Chromium', () => {
  it('registers, stays signed in across a reload, signs out, and is sent to /login from a protected page', async () => {
    const page = await web.browser.newPage()
    const email = uniqueEmail('e2e')

    await page.goto(`${web.server.url}/register`)
    await submitAuthForm(page, { email, password: 'short' })
    // The shared zod schema speaks first, in the browser.
    await page.getByText('至少需要 8 个字符').waitFor()

    await page.getByLabel('密码').fill('a-good-password')
    await page.getByTestId('auth-submit').click()
    // A new account goes straight to the studio.
    await page.waitForURL(/\/studio$/)
    expect(await page.getByTestId('user-email').textContent()).toBe(email)
    expect(await page.getByTestId('credits-badge').textContent()).toContain('3')

    await page.goto(`${web.server.url}/`)
    await page.getByTestId('home-signed-in').waitFor()
    expect(await page.getByTestId('user-email').textContent()).toBe(email)
    await screenshot(page, 'home-signed-in')

    await page.reload()
    await page.getByTestId('home-signed-in').waitFor()
    expect(await page.getByTestId('user-email').textContent()).toBe(email)

    await hydrated(page)
    await page.getByTestId('user-menu').click()
    await page.getByTestId('sign-out').click()
    await page.waitForURL(/\/login/)
    await page.goto(`${web.server.url}/account`)
    await page.waitForURL(/\/login\?redirect=(\/|%2F)account/)

    // Signing in there brings the user back to where they were going.
    await submitAuthForm(page, { email, password: 'a-good-password' })
    await page.waitForURL(/\/account$/)
    await page.getByTestId('account').waitFor()
    await screenshot(page, 'account')
    await page.close()
  })

  it('shows a wrong password as the translated API error', async () => {
    const page = await web.browser.newPage()
    await page.goto(`${web.server.url}/login`)
    await submitAuthForm(page, { email: uniqueEmail('nobody'), password: 'wrong-password' })
    await expect.poll(() => page.getByTestId('auth-error').textContent()).toContain('邮箱或密码不正确')
    await page.close()
  })
})
