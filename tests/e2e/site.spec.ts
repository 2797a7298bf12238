import Database from 'better-sqlite3'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hydrated } from '../support/browser'
import { closeAll, creditsShown, DESKTOP, expectNoHorizontalScroll, loadedImageSize, PHONE, seriousViolations, shot, submitAuthForm, useBrowserServer } from '../support/e2e'
import { client, signUp } from '../support/server'

const web = useBrowserServer()

/** One generation through the API, so the gallery and the credit history have something to show. */
async function generateOnce(api: ReturnType<typeof client>, prompt = '秋天的银杏大道，航拍视角') {
  const res = await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt, size: '3:4' } })
  expect(res.status).toBe(200)
}

describe('pages for everyone', () => {
  it.each([
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ])('the landing, sign-in and sign-up pages pass axe and fit a %s screen', async (name, viewport) => {
    const context = await web.browser.newContext({ viewport })
    const page = await context.newPage()
    for (const path of ['/', '/login', '/register']) {
      await page.goto(`${web.server.url}${path}`)
      await page.locator('main h1').waitFor()
      expect(await seriousViolations(page), path).toEqual([])
      await expectNoHorizontalScroll(page)
      await shot(page, `${path === '/' ? 'home' : path.slice(1)}-${name}`)
    }
    // The examples are real images that load.
    await page.goto(`${web.server.url}/`)
    const examples = page.locator('.nb-example img')
    expect(await examples.count()).toBeGreaterThanOrEqual(3)
    await examples.first().scrollIntoViewIfNeeded()
    await expect.poll(() => examples.first().evaluate((el: HTMLImageElement) => el.naturalWidth)).toBeGreaterThan(0)
    await closeAll(context)
  })

  it('sends a signed-out visitor from a protected page to sign in, and back there afterwards', async () => {
    const account = await signUp(web.server)
    const page = await web.browser.newPage()
    await page.goto(`${web.server.url}/gallery`)
    await page.waitForURL(/\/login\?redirect=(\/|%2F)gallery/)
    await submitAuthForm(page, account)
    await page.waitForURL(url => url.pathname === '/gallery')
    await page.getByTestId('gallery-empty').waitFor()
    await page.close()
  })
})

describe('signed-in pages', () => {
  it('send a signed-in user who opens /login or /register to the studio', async () => {
    const { context, page } = await web.signedIn()
    await page.goto(`${web.server.url}/login`)
    await page.waitForURL(/\/studio$/)
    await page.goto(`${web.server.url}/register`)
    await page.waitForURL(/\/studio$/)
    // The landing page offers the way in.
    await page.goto(`${web.server.url}/`)
    await page.getByTestId('home-studio').click()
    await page.waitForURL(/\/studio$/)
    await closeAll(context)
  })

  it.each([
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ])('studio, gallery (grid and preview) and account pass axe on a %s screen, in light and dark', async (name, viewport) => {
    const { context, page, account } = await web.signedIn({ viewport })
    await generateOnce(account.api)
    const check = async (label: string) => {
      expect(await seriousViolations(page), label).toEqual([])
      await expectNoHorizontalScroll(page)
    }
    for (const theme of ['light', 'dark'] as const) {
      await context.addCookies([{ name: 'nb_theme', value: theme, url: web.server.url }])
      await page.goto(`${web.server.url}/studio`)
      await page.getByTestId('generate').waitFor()
      await page.getByLabel(/提示词/).fill('a')
      await check(`studio ${theme}`)
      await page.getByTestId('mode-image-to-image').click()
      await check(`studio image-to-image ${theme}`)

      await page.goto(`${web.server.url}/gallery`)
      await page.getByTestId('gallery-item').first().waitFor()
      await check(`gallery ${theme}`)
      await page.getByTestId('gallery-item').first().click()
      await loadedImageSize(page, 'preview-image')
      await check(`preview ${theme}`)
      if (theme === 'light') await shot(page, `gallery-preview-${name}-light`)

      await page.goto(`${web.server.url}/account`)
      await page.getByTestId('ledger-row').first().waitFor()
      await check(`account ${theme}`)
      await shot(page, `account-${name}-${theme}`)
    }
    await closeAll(context)
  }, 120_000) // two themes × four pages of axe: near a minute on this 2-core machine with the suite around it

  it('switches language and remembers it across a reload', async () => {
    const { context, page, account } = await web.signedIn()
    await page.goto(`${web.server.url}/studio`)
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN')
    expect(await page.getByTestId('nav-studio').textContent()).toContain('创作')

    await hydrated(page)
    await page.getByTestId('language-switch').selectOption({ label: 'English' })
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('en')
    expect(await page.getByTestId('nav-studio').textContent()).toContain('Studio')
    expect(await page.getByTestId('credits-badge').textContent()).toContain('3 credits')
    expect(await page.getByTestId('generate-reason').textContent()).toContain('Write a prompt first')

    // The server renders the remembered language: the HTML before any script runs is English.
    await page.reload()
    expect(await page.getByTestId('nav-gallery').textContent()).toContain('Gallery')
    const cookie = (await context.cookies()).find(c => c.name === 'nb_locale')
    expect(cookie?.value).toBe('en')
    const html = await (await fetch(`${web.server.url}/studio`, { headers: { cookie: `nb_locale=en; auth.token=${(await context.cookies()).find(c => c.name === 'auth.token')!.value}` } })).text()
    expect(html).toMatch(/<html[^>]*lang="en"/)
    expect(html).toMatch(/data-testid="nav-studio"[^>]*>\s*Studio\s*</)

    // Element Plus speaks English too: the dialog's close button is labelled by its own locale.
    await generateOnce(account.api)
    await page.goto(`${web.server.url}/gallery`)
    await page.getByTestId('gallery-item').first().click()
    await loadedImageSize(page, 'preview-image')
    expect(await page.locator('.el-dialog__headerbtn').getAttribute('aria-label')).toMatch(/^Close/)
    expect(await page.getByTestId('preview').textContent()).toContain('Remix')
    await shot(page, 'gallery-preview-en')
    await closeAll(context)
  })

  it('remembers dark mode in a cookie so the server renders it (no flash)', async () => {
    const { context, page } = await web.signedIn()
    await page.goto(`${web.server.url}/studio`)
    expect(await page.getAttribute('html', 'class') ?? '').not.toContain('dark')
    await hydrated(page)
    await page.getByTestId('theme-toggle').click()
    await expect.poll(() => page.getAttribute('html', 'class')).toContain('dark')
    expect((await context.cookies()).find(c => c.name === 'nb_theme')?.value).toBe('dark')

    const token = (await context.cookies()).find(c => c.name === 'auth.token')!.value
    const html = await (await fetch(`${web.server.url}/studio`, { headers: { cookie: `nb_theme=dark; auth.token=${token}` } })).text()
    expect(html).toMatch(/<html[^>]*class="dark"/)
    await page.reload()
    expect(await page.getAttribute('html', 'class')).toContain('dark')
    await shot(page, 'studio-dark-desktop')
    await hydrated(page)
    await page.getByTestId('theme-toggle').click()
    await expect.poll(() => page.getAttribute('html', 'class')).not.toContain('dark')
    await closeAll(context)
  })

  it('shows the credit history with translated reasons, paging on request', async () => {
    const { context, page, account } = await web.signedIn()
    await generateOnce(account.api)
    await generateOnce(account.api, '第二张')
    await page.goto(`${web.server.url}/account`)
    const rows = page.getByTestId('ledger-row')
    await rows.first().waitFor()
    expect(await rows.count()).toBe(3)
    expect(await rows.nth(0).textContent()).toMatch(/-1.*生成图片.*1/)
    expect(await rows.nth(2).textContent()).toMatch(/\+3.*注册赠送.*3/)
    expect(await page.getByTestId('account-credits').textContent()).toBe('1')
    expect(await page.getByTestId('ledger-more').count()).toBe(0)

    // Twenty grants more: the first page holds 20 rows, the button brings the last 3.
    const db = new Database(join(web.server.dataDir, 'nano-banana.db'))
    const insert = db.prepare('insert into credit_ledger (user_id, delta, balance_after, reason, created_at) values (?, 1, ?, \'admin_grant\', ?)')
    for (let i = 1; i <= 20; i++) insert.run(account.user.id, 1 + i, Date.now())
    db.close()
    await page.reload()
    await rows.first().waitFor()
    expect(await rows.count()).toBe(20)
    expect(await rows.nth(0).textContent()).toMatch(/\+1.*管理员发放.*21/)
    await page.getByTestId('ledger-more').click()
    await expect.poll(() => rows.count()).toBe(23)
    expect(await rows.nth(22).textContent()).toContain('注册赠送')
    expect(await page.getByTestId('ledger-more').count()).toBe(0)
    await closeAll(context)
  })

  it('redeems a code on the account page: the balance and the history follow at once, a second try is refused', async () => {
    const { context, page } = await web.signedIn()
    const db = new Database(join(web.server.dataDir, 'nano-banana.db'))
    db.prepare('insert into redeem_codes (code, credits, max_uses, uses, created_at) values (?, 5, 10, 0, ?)').run('NB-2345-6789-ABCD-EFGH', Date.now())
    db.close()
    await page.goto(`${web.server.url}/account`)
    await page.getByTestId('ledger-row').first().waitFor()

    await page.getByLabel('兑换码').fill('NB-0000-0000-0000-0000')
    await page.getByTestId('redeem-submit').click()
    await expect.poll(() => page.getByTestId('redeem-error').textContent()).toContain('兑换码不存在')

    // Lower case and spaces are fine: the server normalises the code.
    await page.getByLabel('兑换码').fill('nb 2345 6789 abcd efgh')
    await page.getByTestId('redeem-submit').click()
    await expect.poll(() => page.getByTestId('redeem-ok').textContent()).toContain('获得 5 积分')
    expect(await creditsShown(page)).toBe('8')
    expect(await page.getByTestId('account-credits').textContent()).toBe('8')
    await expect.poll(() => page.getByTestId('ledger-row').first().textContent()).toMatch(/\+5.*兑换码充值.*8/)

    await page.getByLabel('兑换码').fill('NB-2345-6789-ABCD-EFGH')
    await page.getByTestId('redeem-submit').click()
    await expect.poll(() => page.getByTestId('redeem-error').textContent()).toContain('你已经使用过这个兑换码')
    expect(await creditsShown(page)).toBe('8')
    await closeAll(context)
  })

  it('changes the password: a wrong current one is refused, the right one signs out other sessions and this tab keeps working', async () => {
    const { context, page, account } = await web.signedIn()
    await page.goto(`${web.server.url}/account`)
    await page.getByLabel('当前密码').fill('not-the-password')
    await page.getByLabel('新密码').fill('short')
    await page.getByTestId('password-submit').click()
    await page.getByText('至少需要 8 个字符').waitFor()

    await page.getByLabel('新密码').fill('a-brand-new-password')
    await page.getByTestId('password-submit').click()
    await expect.poll(() => page.getByTestId('password-error').textContent()).toContain('当前密码不正确')

    await page.getByLabel('当前密码').fill(account.password)
    await page.getByTestId('password-submit').click()
    await page.getByTestId('password-changed').waitFor()

    // The token the account had before (another device) is dead; this tab carries on after a reload.
    expect((await client(web.server, account.token).raw('/api/users/me')).status).toBe(401)
    await page.reload()
    await page.getByTestId('account').waitFor()
    expect(page.url()).toMatch(/\/account$/)
    expect(await page.getByTestId('account-email').textContent()).toBe(account.email)
    await closeAll(context)
  })
})
