import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hydrated, launchBrowser, screenshot } from '../support/browser'
import { startServer, uniqueEmail, type TestServer } from '../support/server'

let server: TestServer
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([startServer(), launchBrowser()])
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('a new user in Chromium', () => {
  it('registers, stays signed in across a reload, signs out, and is sent to /login from a protected page', async () => {
    const page = await browser.newPage()
    const email = uniqueEmail('e2e')

    await page.goto(`${server.url}/register`)
    await page.getByLabel('邮箱').fill(email)
    await page.getByLabel('密码').fill('short')
    await page.getByTestId('auth-submit').click()
    // The shared zod schema speaks first, in the browser.
    await page.getByText('至少需要 8 个字符').waitFor()

    await page.getByLabel('密码').fill('a-good-password')
    await page.getByTestId('auth-submit').click()
    // A new account goes straight to the studio.
    await page.waitForURL(/\/studio$/)
    expect(await page.getByTestId('user-email').textContent()).toBe(email)
    expect(await page.getByTestId('credits-badge').textContent()).toContain('3')

    await page.goto(`${server.url}/`)
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
    await page.goto(`${server.url}/account`)
    await page.waitForURL(/\/login\?redirect=(\/|%2F)account/)

    // Signing in there brings the user back to where they were going.
    await page.getByLabel('邮箱').fill(email)
    await page.getByLabel('密码').fill('a-good-password')
    await page.getByTestId('auth-submit').click()
    await page.waitForURL(/\/account$/)
    await page.getByTestId('account').waitFor()
    await screenshot(page, 'account')
    await page.close()
  })

  it('shows a wrong password as the translated API error', async () => {
    const page = await browser.newPage()
    await page.goto(`${server.url}/login`)
    await page.getByLabel('邮箱').fill(uniqueEmail('nobody'))
    await page.getByLabel('密码').fill('wrong-password')
    await page.getByTestId('auth-submit').click()
    await expect.poll(() => page.getByTestId('auth-error').textContent()).toContain('邮箱或密码不正确')
    await page.close()
  })
})
