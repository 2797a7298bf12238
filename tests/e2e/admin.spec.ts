import { AxeBuilder } from '@axe-core/playwright'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AdminStats, AdminUserDetail } from '../../shared/types/admin'
import { hydrated, screenshot } from '../support/browser'
import { expectNoSeriousViolations, submitAuthForm, useBrowserServer } from '../support/e2e'
import { client, signUp } from '../support/server'

const ADMIN = { email: 'boss@example.com', password: 'boss-password-1' }

const web = useBrowserServer({ env: { NUXT_ADMIN_EMAIL: ADMIN.email, NUXT_ADMIN_PASSWORD: ADMIN.password } })
let admin: ReturnType<typeof client>
let user: Awaited<ReturnType<typeof signUp>>

beforeAll(async () => {
  const login = await client(web.server)<{ token: string }>('/api/login', { method: 'POST', body: ADMIN })
  admin = client(web.server, login.token)
  user = await signUp(web.server)
})

async function signIn(page: Page, account: { email: string, password: string }) {
  await page.goto(`${web.server.url}/login`)
  await submitAuthForm(page, account)
  await page.waitForURL(/\/studio$/)
}

/** Table headers in `scope` that are clipped or have a word split across lines, as readable lines. */
function brokenHeaders(scope: Locator) {
  return scope.locator('.el-table__header th .cell').evaluateAll(cells => cells.flatMap((cell) => {
    const label = cell.textContent?.trim() ?? ''
    const text = [...cell.childNodes].find(n => n.nodeType === Node.TEXT_NODE && n.textContent?.trim())
    if (!text?.textContent) return []
    const problems: string[] = []
    if (cell.scrollWidth > cell.clientWidth) problems.push(`${label}: clipped`)
    let from = 0
    for (const word of text.textContent.split(/\s+/).filter(Boolean)) {
      const start = text.textContent.indexOf(word, from)
      from = start + word.length
      const range = document.createRange()
      range.setStart(text, start)
      range.setEnd(text, start + word.length)
      if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1) problems.push(`${label}: "${word}" broken`)
    }
    return problems
  }))
}

/** Searches the admin page's user list for the test's user and opens their drawer. */
async function openUserDrawer(page: Page) {
  await page.getByLabel('搜索邮箱').fill(user.email)
  await page.getByTestId(`admin-user-${user.email}`).click()
  return page.getByTestId('admin-user-drawer')
}

const balance = async () => (await user.api<{ credits: number }>('/api/users/me')).credits

describe('the admin page in Chromium', () => {
  it('an admin finds a new user and grants them credits with a reason, after confirming', async () => {
    // axe needs a page of its own context.
    const context = await web.browser.newContext()
    const page = await context.newPage()
    await signIn(page, ADMIN)
    await page.goto(`${web.server.url}/admin`)
    await page.getByTestId('admin-page').waitFor()
    await page.getByTestId('stat-users').waitFor()
    await page.getByTestId(`admin-user-${ADMIN.email}`).waitFor()
    // Every rule, every impact, on the admin area itself.
    await hydrated(page)
    const { violations } = await new AxeBuilder({ page }).include('[data-testid=admin-page]').analyze()
    expect(violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)).toEqual([])
    // And the whole page by the bar every page meets: no serious or critical violation, no rule left out.
    await expectNoSeriousViolations(page)

    const drawer = await openUserDrawer(page)
    await drawer.getByTestId('admin-user-credits').waitFor()
    expect(await drawer.getByTestId('admin-user-credits').textContent()).toBe('3')

    await drawer.getByLabel('数量（负数为扣除）').fill('25')
    await drawer.getByLabel('原因').fill('新用户活动奖励')
    await drawer.getByTestId('admin-grant-submit').click()
    const confirm = page.locator('.el-message-box')
    await confirm.getByText(`为 ${user.email} 增加 25 积分？`).waitFor()
    await screenshot(page, 'admin-grant-confirm')
    await confirm.getByRole('button', { name: '确定' }).click()
    await expect.poll(() => drawer.getByTestId('admin-user-credits').textContent()).toBe('28')
    await drawer.getByTestId('admin-ledger').getByText('新用户活动奖励').waitFor()
    await screenshot(page, 'admin-user-drawer')

    // The API agrees: the balance and one ledger row naming the admin.
    expect(await balance()).toBe(28)
    const { ledger } = await admin<AdminUserDetail>(`/api/admin/users/${user.user.id}`)
    expect(ledger[0]).toMatchObject({ delta: 25, reason: 'admin_grant', actorEmail: ADMIN.email, note: '新用户活动奖励' })
    await context.close()
  })

  it('cancelling the confirmation, or deducting more than the balance, changes nothing', async () => {
    const start = await balance()
    const page = await web.browser.newPage()
    await signIn(page, ADMIN)
    await page.goto(`${web.server.url}/admin`)
    const drawer = await openUserDrawer(page)
    await drawer.getByLabel('数量（负数为扣除）').fill('-5')
    await drawer.getByLabel('原因').fill('测试扣除')
    await drawer.getByTestId('admin-grant-submit').click()
    const confirm = page.locator('.el-message-box')
    await confirm.getByText(`从 ${user.email} 扣除 5 积分？`).waitFor()
    await confirm.getByRole('button', { name: '取消' }).click()
    await confirm.waitFor({ state: 'hidden' })
    expect(await balance()).toBe(start)

    // Deducting more than the balance shown: refused under the amount at once, nobody asked to confirm.
    await drawer.getByLabel('数量（负数为扣除）').fill('-1000')
    await drawer.getByLabel('数量（负数为扣除）').blur()
    await drawer.getByTestId('admin-grant-submit').click()
    await drawer.locator('.el-form-item__error').getByText(`扣除后积分会小于 0：该用户当前只有 ${start} 积分。`).waitFor()
    expect(await confirm.isVisible()).toBe(false)
    expect(await balance()).toBe(start)
    await screenshot(page, 'admin-deduct-refused')
    await page.close()
  })

  it('requires a reason for every grant, in the form and, should the form be bypassed, from the server', async () => {
    const start = await balance()
    const page = await web.browser.newPage()
    await signIn(page, ADMIN)
    await page.goto(`${web.server.url}/admin`)
    const drawer = await openUserDrawer(page)
    await drawer.getByTestId('admin-user-credits').waitFor()
    expect(await drawer.getByText('必填：每次发放或扣除都要写明原因').isVisible()).toBe(true)
    await drawer.getByLabel('数量（负数为扣除）').fill('5')
    await drawer.getByLabel('原因').fill('   ')
    await drawer.getByTestId('admin-grant-submit').click()
    await drawer.locator('.el-form-item__error').getByText('此项为必填').waitFor()
    expect(await page.locator('.el-message-box').isVisible()).toBe(false)

    // A request that reaches the server without its reason is refused there, and the form says so by the field.
    await page.route('**/api/admin/add-credits', async (route) => {
      const body: unknown = route.request().postDataJSON()
      const withoutReason = Object.fromEntries(Object.entries(typeof body === 'object' && body !== null ? body : {}).filter(([key]) => key !== 'reason'))
      await route.continue({ postData: JSON.stringify(withoutReason) })
    })
    const answers: number[] = []
    page.on('response', (res) => {
      if (res.url().endsWith('/api/admin/add-credits')) answers.push(res.status())
    })
    await drawer.getByLabel('原因').fill('补偿')
    await drawer.getByTestId('admin-grant-submit').click()
    await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
    await expect.poll(() => answers).toEqual([400])
    await drawer.locator('.el-form-item__error').getByText('格式不正确').waitFor()
    expect(await balance()).toBe(start)
    await page.close()
  })

  it('an admin creates a redeem code on the page, and a user redeems it', async () => {
    const start = await balance()
    const page = await web.browser.newPage()
    await signIn(page, ADMIN)
    await page.goto(`${web.server.url}/admin`)
    await page.getByRole('tab', { name: '兑换码' }).click()
    await page.getByLabel('每个码的积分').fill('7')
    await page.getByTestId('admin-code-submit').click()
    const shown = page.getByTestId('admin-created-codes')
    await shown.waitFor()
    const code = (await shown.textContent())!.trim()
    expect(code).toMatch(/^NB(-[2-9A-HJ-NP-Z]{4}){4}$/)
    await page.getByTestId('admin-codes').locator('tbody').getByText(code).waitFor()
    await screenshot(page, 'admin-codes')

    const redeemed = await user.api.raw<{ credits: number, user: { credits: number } }>('/api/credits/redeem', { method: 'POST', body: { code: code.toLowerCase() } })
    expect(redeemed.status).toBe(200)
    expect(redeemed._data).toMatchObject({ credits: 7, user: { credits: start + 7 } })
    expect(await balance()).toBe(start + 7)
    await page.close()
  })

  it('an admin disables a user with the switch, after confirming: their session ends; enabling lets them back', async () => {
    const other = await signUp(web.server)
    const page = await web.browser.newPage()
    await signIn(page, ADMIN)
    await page.goto(`${web.server.url}/admin`)
    await page.getByLabel('搜索邮箱').fill(other.email)
    await page.getByTestId(`admin-user-${other.email}`).click()
    const drawer = page.getByTestId('admin-user-drawer')
    await drawer.getByTestId('admin-user-credits').waitFor()
    await drawer.getByTestId('admin-disabled-switch').click()
    const confirm = page.locator('.el-message-box')
    await confirm.getByText('停用后').waitFor()
    await confirm.getByRole('button', { name: '确定' }).click()
    await page.getByText('账户状态已更新').waitFor()
    await expect.poll(async () => (await other.api.raw('/api/users/me')).status).toBe(401)
    await page.getByTestId('admin-users').getByText('已停用').waitFor()

    await drawer.getByTestId('admin-disabled-switch').click()
    await expect.poll(async () => (await client(web.server).raw('/api/login', { method: 'POST', body: { email: other.email, password: other.password } })).status).toBe(200)
    await page.close()
  })

  it('fits a 375 px wide screen', async () => {
    const page = await web.browser.newPage({ viewport: { width: 375, height: 800 } })
    await signIn(page, ADMIN)
    await page.goto(`${web.server.url}/admin`)
    await page.getByTestId('stat-users').waitFor()
    await page.getByTestId(`admin-user-${user.email}`).waitFor()
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    await screenshot(page, 'admin-375')
    await page.getByTestId(`admin-user-${user.email}`).click()
    await page.getByTestId('admin-user-drawer').getByTestId('admin-user-credits').waitFor()
    await page.waitForTimeout(400) // the drawer slides in
    const box = await page.locator('.el-drawer').boundingBox()
    expect(box!.x).toBeGreaterThanOrEqual(0)
    expect(box!.x + box!.width).toBeLessThanOrEqual(375)
    await page.getByTestId('admin-grant-submit').waitFor()
    expect(await page.getByLabel('数量（负数为扣除）').isVisible()).toBe(true)
    await screenshot(page, 'admin-375-drawer')
    await page.close()
  })

  it('tells a signed-in user who is not an admin that /admin is not theirs (403), without sending them elsewhere', async () => {
    const page = await web.browser.newPage()
    await signIn(page, user)
    const res = await page.goto(`${web.server.url}/admin`)
    expect(res?.status()).toBe(403)
    expect(new URL(page.url()).pathname).toBe('/admin')
    await page.getByTestId('error-page').getByText('你没有权限打开这个页面').waitFor()
    expect(await page.getByTestId('admin-page').count()).toBe(0)
    await page.close()
  })

  it('wraps long emails between their parts, never inside one, and shows them in full on hover', async () => {
    const long = await signUp(web.server, `a.very-long.name-for.wrapping-${Date.now()}@subdomain.example-company.com`)
    const page = await web.browser.newPage({ viewport: { width: 375, height: 800 } })
    await signIn(page, ADMIN)
    await page.goto(`${web.server.url}/admin`)
    await page.getByLabel('搜索邮箱').fill(long.email)
    const email = page.getByTestId(`admin-user-${long.email}`).locator('.nb-email')
    await email.waitFor()
    expect(await email.getAttribute('title')).toBe(long.email)
    const layout = await email.evaluate((el) => {
      // Vue's fragments leave empty text nodes between the parts.
      const parts = [...el.childNodes].filter(n => n.nodeType === Node.TEXT_NODE && n.textContent)
      const linesOf = (node: Node) => {
        const range = document.createRange()
        range.selectNodeContents(node)
        return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size
      }
      return { text: el.textContent, lines: new Set([...el.getClientRects()].map(r => Math.round(r.top))).size, partLines: parts.map(linesOf) }
    })
    expect(layout.text).toBe(long.email)
    expect(layout.lines).toBeGreaterThan(1)
    expect(layout.partLines.every(n => n === 1)).toBe(true)
    await screenshot(page, 'admin-long-email')
    await page.close()
  })

  it('never breaks a table header inside a word, nor clips one, in Chinese or English', async () => {
    const context = await web.browser.newContext({ viewport: { width: 1280, height: 860 } })
    const page = await context.newPage()
    await signIn(page, ADMIN)
    for (const locale of ['en', 'zh-CN'] as const) {
      await context.addCookies([{ name: 'nb_locale', value: locale, url: web.server.url }])
      await page.goto(`${web.server.url}/admin`)
      await hydrated(page)
      for (const tab of locale === 'en' ? ['Users', 'Redeem codes', 'Models'] : ['用户', '兑换码', '模型']) {
        await page.getByRole('tab', { name: tab, exact: true }).click()
        const pane = page.locator('.el-tab-pane:visible')
        await pane.locator('.el-table__header th').first().waitFor()
        expect(await brokenHeaders(pane), `${locale} ${tab}`).toEqual([])
      }
      await page.getByRole('tab', { name: locale === 'en' ? 'Users' : '用户', exact: true }).click()
      await page.getByTestId(`admin-user-${user.email}`).click()
      const drawer = page.getByTestId('admin-user-drawer')
      await drawer.getByTestId('admin-ledger').locator('tbody tr').first().waitFor()
      expect(await brokenHeaders(drawer), `${locale} drawer`).toEqual([])
      await screenshot(page, `admin-drawer-${locale}`)
    }
    await context.close()
  })

  it('shows the week\'s generations as a total with its split by outcome', async () => {
    // One picture made, and one generation that failed.
    expect((await user.api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: '一只猫' } })).status).toBe(200)
    const db = new Database(join(web.server.dataDir, 'nano-banana.db'))
    db.prepare('insert into generation_jobs (user_id, kind, model, size, prompt, n, cost, status, error_code, provider, created_at) values (?, \'text-to-image\', \'nano-banana\', \'1:1\', \'x\', 1, 1, \'failed\', \'UPSTREAM_ERROR\', \'demo\', ?)').run(user.user.id, Date.now())
    db.close()
    const stats = await admin<AdminStats>('/api/admin/stats')
    const { succeeded, failed, pending } = stats.generations.byOutcome
    expect(succeeded).toBeGreaterThan(0)
    expect(failed).toBeGreaterThan(0)
    const page = await web.browser.newPage()
    await signIn(page, ADMIN)
    await page.goto(`${web.server.url}/admin`)
    const card = page.getByTestId('stat-outcomes')
    await card.waitFor()
    expect(await card.locator('.nb-stat-label').textContent()).toContain('近 7 天生成')
    expect((await card.locator('.nb-stat-value').textContent())?.trim()).toBe(String(succeeded + failed + pending))
    expect(await card.locator('.nb-stat-hint').textContent()).toContain(`成功 ${succeeded} · 失败 ${failed} · 进行中 ${pending}`)
    await page.close()
  })

  // Needs the generation feature (POST /api/generate/text-to-image), which is merged from another
  // branch: until then this step fails on its own, without blocking the steps above.
  it('the user who was granted credits generates an image with them', async () => {
    const before = await balance()
    const res = await user.api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: '一只戴着墨镜的香蕉，漫画风格' } })
    expect(res.status, JSON.stringify(res._data)).toBeGreaterThanOrEqual(200)
    expect(res.status).toBeLessThan(300)
    expect(await balance()).toBeLessThan(before)
  })
})
