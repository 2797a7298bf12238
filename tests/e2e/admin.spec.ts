import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AdminUserDetail } from '../../shared/types/admin'
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

    await page.getByLabel('搜索邮箱').fill(user.email)
    await page.getByTestId(`admin-user-${user.email}`).click()
    const drawer = page.getByTestId('admin-user-drawer')
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
    await page.getByLabel('搜索邮箱').fill(user.email)
    await page.getByTestId(`admin-user-${user.email}`).click()
    const drawer = page.getByTestId('admin-user-drawer')
    await drawer.getByLabel('数量（负数为扣除）').fill('-5')
    await drawer.getByLabel('原因').fill('测试扣除')
    await drawer.getByTestId('admin-grant-submit').click()
    const confirm = page.locator('.el-message-box')
    await confirm.getByText(`从 ${user.email} 扣除 5 积分？`).waitFor()
    await confirm.getByRole('button', { name: '取消' }).click()
    await confirm.waitFor({ state: 'hidden' })
    expect(await balance()).toBe(start)

    // Deducting more than the balance: the server refuses and the page says why.
    await drawer.getByLabel('数量（负数为扣除）').fill('-1000')
    await drawer.getByTestId('admin-grant-submit').click()
    await confirm.getByRole('button', { name: '确定' }).click()
    await page.getByText(`扣除后积分会小于 0：该用户当前只有 ${start} 积分。`).waitFor()
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

  it('sends a signed-in user who is not an admin away from /admin', async () => {
    const page = await web.browser.newPage()
    await signIn(page, user)
    await page.goto(`${web.server.url}/admin`)
    await page.waitForURL(url => url.pathname === '/')
    expect(await page.getByTestId('admin-page').count()).toBe(0)
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
