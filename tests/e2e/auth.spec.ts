import { describe, expect, it } from 'vitest'
import { hydrated, screenshot } from '../support/browser'
import { submitAuthForm, useBrowserServer } from '../support/e2e'
import { signUp, uniqueEmail } from '../support/server'

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

  it('lets only the app speak about a bad email (no browser bubble), and states the password rule before any typing', async () => {
    const page = await web.browser.newPage()
    await page.goto(`${web.server.url}/register`)
    const form = page.getByTestId('auth-form')
    expect(await form.evaluate((el: HTMLFormElement) => el.noValidate)).toBe(true)
    // The rule is on the page and read with the field before the first try.
    const hint = page.getByText('8–128 个字符，不能是常见密码（如 12345678、password）。')
    expect(await hint.isVisible()).toBe(true)
    const describedBy = await page.getByLabel('密码').getAttribute('aria-describedby')
    expect(await page.locator(`#${describedBy}`).textContent()).toContain('不能是常见密码')

    await submitAuthForm(page, { email: 'not-an-email', password: 'a-good-password' })
    await page.getByText('请输入有效的邮箱地址').waitFor()
    // The browser would have kept the form from submitting and shown its own bubble; it did neither.
    expect(await page.getByLabel('邮箱').evaluate((el: HTMLInputElement) => el.validity.typeMismatch)).toBe(true)
    expect(await page.getByText('请输入有效的邮箱地址').count()).toBe(1)
    await screenshot(page, 'register-invalid-email')
    await page.close()
  })

  it('shows the server\'s "too common" under the password field', async () => {
    const page = await web.browser.newPage()
    await page.goto(`${web.server.url}/register`)
    const answers: number[] = []
    page.on('response', (res) => {
      if (res.url().endsWith('/api/register')) answers.push(res.status())
    })
    await submitAuthForm(page, { email: uniqueEmail('common'), password: 'password1' })
    await expect.poll(() => answers).toEqual([400])
    const item = page.locator('.el-form-item.is-error')
    await item.getByText('这个密码太常见，容易被猜到，请换一个。').waitFor()
    expect(await item.getByLabel('密码').count()).toBe(1)
    expect(await page.getByTestId('auth-error').count()).toBe(0)
    expect(page.url()).toMatch(/\/register$/)
    await page.close()
  })

  it('offers to sign in, with the email filled in, when the email is already registered', async () => {
    const account = await signUp(web.server)
    const page = await web.browser.newPage()
    await page.goto(`${web.server.url}/register?redirect=/gallery`)
    await submitAuthForm(page, { email: account.email, password: 'another-password-1' })
    await expect.poll(() => page.getByTestId('auth-error').textContent()).toContain('该邮箱已注册')
    await screenshot(page, 'register-email-taken')
    await page.getByTestId('auth-sign-in-instead').click()
    await page.waitForURL(url => url.pathname === '/login' && url.searchParams.get('email') === account.email && url.searchParams.get('redirect') === '/gallery')
    expect(await page.getByLabel('邮箱').inputValue()).toBe(account.email)
    expect(await page.getByLabel('密码').inputValue()).toBe('')
    await page.getByLabel('密码').fill(account.password)
    await page.getByTestId('auth-submit').click()
    await page.waitForURL(url => url.pathname === '/gallery')
    await page.close()
  })
})
