import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { LedgerPage } from '../../shared/schemas/account'
import type { ModelsResponse } from '../../shared/types/api'
import { hydrated } from '../support/browser'
import { closeAll, DESKTOP, expectNoHorizontalScroll, expectNoSeriousViolations, PHONE, preferenceCookies, shot, useBrowserServer } from '../support/e2e'
import { client, signUp } from '../support/server'

const ADMIN = { email: 'models-admin@example.com', password: 'models-admin-password-1' }
const web = useBrowserServer({ env: { NUXT_ADMIN_EMAIL: ADMIN.email, NUXT_ADMIN_PASSWORD: ADMIN.password } })
let adminToken: string

beforeAll(async () => {
  adminToken = (await client(web.server)<{ token: string }>('/api/login', { method: 'POST', body: ADMIN })).token
})

/** The admin's browser on the Models tab. */
async function modelsTab(options: { viewport?: { width: number, height: number }, theme?: 'light' | 'dark', locale?: string } = {}) {
  const context = await web.browser.newContext({ viewport: options.viewport ?? DESKTOP })
  await context.addCookies([{ name: 'auth.token', value: adminToken, url: web.server.url }, ...preferenceCookies(web.server.url, options)])
  const page = await context.newPage()
  await page.goto(`${web.server.url}/admin`)
  await hydrated(page)
  await page.getByRole('tab', { name: options.locale === 'en' ? 'Models' : '模型' }).click()
  await page.getByTestId('admin-models').locator('tbody tr').first().waitFor()
  return { context, page }
}

const rows = (page: Page) => page.getByTestId('admin-models').locator('tbody tr')
const cells = (page: Page, id: string) => rows(page).filter({ has: page.getByTestId(`model-edit-${id}`) }).locator('td').allTextContents()
const publicModels = async () => (await client(web.server, adminToken)<ModelsResponse>('/api/models')).models

async function setNumber(page: Page, label: string, value: number) {
  const field = page.getByTestId('model-dialog').getByLabel(label, { exact: true })
  await field.fill(String(value))
  await field.blur()
}

describe('the admin\'s model catalogue in Chromium', () => {
  it('lists every model, enabled or not, with its upstream name, price, mode, reference images, ratios and order', async () => {
    const { context, page } = await modelsTab()
    expect(await rows(page).count()).toBe(4)
    expect((await cells(page, 'nano-banana')).map(c => c.trim())).toEqual(['nano-banana', 'Nano Banana', 'nano-banana', '1', 'images', '3', '全部 10 种', '已启用', '10'])
    expect((await cells(page, 'nano-banana-pro')).map(c => c.trim())).toEqual(['nano-banana-pro', 'Nano Banana Pro', 'nano-banana-pro', '5', 'images', '3', '全部 10 种', '已停用', '40'])
    await expectNoSeriousViolations(page)
    await closeAll(context)
  })

  it('changes a price, saying past charges stay: a user pays the new price from the next picture on, and the ledger keeps the old charge', async () => {
    const user = await signUp(web.server)
    const before = await user.api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'at the old price', model: 'nano-banana' } })
    expect(before.status).toBe(200)

    const { context, page } = await modelsTab()
    await page.getByTestId('model-edit-nano-banana').click()
    const dialog = page.getByTestId('model-dialog')
    await dialog.getByText('编辑模型 nano-banana').waitFor()
    expect(await dialog.getByTestId('model-price-note').count()).toBe(0)
    await setNumber(page, '价格（积分/张）', 2)
    expect(await dialog.getByTestId('model-price-note').textContent()).toContain('价格将从 1 改为 2 积分/张：只影响之后的生成，已经扣除的积分不会改变。')
    await expectNoSeriousViolations(page)
    await shot(page, 'admin-model-edit')
    await dialog.getByTestId('model-submit').click()
    await page.getByText('模型已保存：之后每张 2 积分，过去的扣费不变').waitFor()
    // The toast is read like everything else (Element Plus's green on pale green is not).
    await expectNoSeriousViolations(page)
    await dialog.waitFor({ state: 'hidden' })
    await expect.poll(async () => (await cells(page, 'nano-banana'))[3]?.trim()).toBe('2')
    expect((await publicModels()).find(m => m.id === 'nano-banana')?.cost).toBe(2)

    const after = await user.api.raw<{ credits: number }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'at the new price', model: 'nano-banana' } })
    expect(after.status).toBe(200)
    expect(after._data?.credits).toBe(0)
    const ledger = await user.api<LedgerPage>('/api/users/me/ledger')
    expect(ledger.items.map(e => [e.reason, e.delta, e.balanceAfter])).toEqual([['generation', -2, 0], ['generation', -1, 2], ['signup', 3, 3]])
    await closeAll(context)
  })

  it('enables a model and adds a new one, refusing a malformed or taken id; people can pick both at once', async () => {
    const { context, page } = await modelsTab()
    const dialog = page.getByTestId('model-dialog')
    await page.getByTestId('model-edit-nano-banana-pro').click()
    await dialog.getByTestId('model-enabled').click()
    await dialog.getByTestId('model-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await expect.poll(async () => (await cells(page, 'nano-banana-pro'))[7]?.trim()).toBe('已启用')
    expect((await publicModels()).map(m => m.id)).toContain('nano-banana-pro')

    await page.getByTestId('model-add').click()
    await dialog.getByText('添加模型', { exact: true }).first().waitFor()
    await dialog.getByLabel('模型 ID').fill('Banana Chat')
    await dialog.getByTestId('model-submit').click()
    await dialog.getByText('格式不正确').waitFor()
    await dialog.getByText('此项为必填').first().waitFor()

    await dialog.getByLabel('模型 ID').fill('nano-banana')
    await dialog.getByLabel('显示名称').fill('Banana Chat')
    await dialog.getByLabel('上游模型名').fill('google/gemini-2.5-flash-image')
    await dialog.getByTestId('model-submit').click()
    await dialog.getByText('这个模型 ID 已被使用。').waitFor()

    await dialog.getByLabel('模型 ID').fill('banana-chat')
    await setNumber(page, '价格（积分/张）', 3)
    await setNumber(page, '最多参考图数量', 2)
    await setNumber(page, '排序', 5)
    await dialog.getByTestId('model-mode').click()
    await page.getByRole('option', { name: /^chat · / }).click()
    for (const size of ['2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '21:9']) await dialog.getByTestId('model-sizes').getByText(size, { exact: true }).click()
    await dialog.getByTestId('model-enabled').click()
    await expectNoSeriousViolations(page)
    await shot(page, 'admin-model-add')
    await dialog.getByTestId('model-submit').click()
    await dialog.waitFor({ state: 'hidden' })

    // The new model comes first (order 5), and is on offer at once.
    await expect.poll(async () => (await rows(page).first().locator('td').allTextContents()).map(c => c.trim()))
      .toEqual(['banana-chat', 'Banana Chat', 'google/gemini-2.5-flash-image', '3', 'chat', '2', '1:1 16:9', '已启用', '5'])
    const offered = (await publicModels())[0]
    expect(offered).toMatchObject({ id: 'banana-chat', label: 'Banana Chat', cost: 3, maxInputImages: 2, sizes: ['1:1', '16:9'] })

    // A user's studio offers both, the new one with its own price, ratios and number of reference images.
    const { context: userContext, page: studio } = await web.signedIn()
    await studio.goto(`${web.server.url}/studio`)
    expect(await studio.getByTestId('model-nano-banana-pro').count()).toBe(1)
    await studio.getByTestId('model-banana-chat').click()
    expect(await studio.getByTestId('size-picker').locator('[data-testid^="size-"]').evaluateAll(els => els.map(el => el.dataset.testid))).toEqual(['size-1:1', 'size-16:9'])
    expect(await studio.getByTestId('generate').textContent()).toContain('生成 1 张 · 3 积分')
    await studio.getByTestId('mode-image-to-image').click()
    expect(await studio.getByTestId('drop-hint').textContent()).toContain('最多 2 张')
    await closeAll(context, userContext)
  })

  it.each([['light', 'en'], ['dark', 'en'], ['dark', 'zh-CN']] as const)('reads well and passes axe in %s, %s, on a desktop and a phone', async (theme, locale) => {
    for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      const { context, page } = await modelsTab({ viewport, theme, locale })
      await expectNoSeriousViolations(page)
      await expectNoHorizontalScroll(page)
      await shot(page, `admin-models-${name}-${theme}-${locale}`)
      await closeAll(context)
    }
  })
})
