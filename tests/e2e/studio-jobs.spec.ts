import type { Page } from 'playwright-core'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { closeAll, creditsShown, expectNoSeriousViolations, loadedImageSize, shot, useBrowserServer } from '../support/e2e'
import { startFakeUpstream, upstreamEnv, type FakeUpstream } from '../support/fake-upstream'

// The studio's generations as jobs, against a fake upstream that takes 4 s a picture.
let upstream: FakeUpstream
const web = useBrowserServer(async () => {
  upstream = await startFakeUpstream()
  return { env: upstreamEnv(upstream, 30_000) }
})
afterAll(() => upstream?.close())
beforeEach(() => {
  upstream.queue.length = 0
  upstream.fallback = { kind: 'delay', ms: 4000, then: { kind: 'b64' } }
})

/** The seconds a running job's clock shows. */
async function clockOf(page: Page) {
  const text = await page.getByTestId('elapsed').textContent() ?? ''
  const seconds = /(\d+\.\d)/.exec(text)?.[1]
  expect(seconds, `a clock in "${text}"`).toBeDefined()
  return Number(seconds)
}

describe('generations as jobs in the studio', () => {
  it('keeps a slow generation in sight across a reload and in a second tab, with its clock, then shows its picture', async () => {
    const { context, page } = await web.signedIn()
    // Long enough to outlast a reload and a second tab on a busy machine.
    upstream.fallback = { kind: 'delay', ms: 12_000, then: { kind: 'b64' } }
    const prompt = '灯塔在暴风雨中闪烁，长曝光'
    await page.goto(`${web.server.url}/studio`)
    await page.getByLabel('提示词', { exact: true }).fill(prompt)
    await page.getByTestId('size-3:4').click()
    await page.getByTestId('generate').click()

    const placeholder = page.getByTestId('generating')
    await placeholder.waitFor()
    await expect.poll(() => placeholder.getAttribute('data-job-id')).toMatch(/^\d+$/)
    const jobId = await placeholder.getAttribute('data-job-id')
    // The balance follows the 202 at once: the credit is taken when the job is accepted.
    await expect.poll(() => creditsShown(page)).toBe('2')
    await expect.poll(() => clockOf(page)).toBeGreaterThan(0)
    const before = await clockOf(page)

    await page.reload()
    // Rendered by the server already: the job, its prompt and its clock, counted from the job's creation.
    await placeholder.waitFor()
    expect(await placeholder.getAttribute('data-job-id')).toBe(jobId)
    expect(await placeholder.textContent()).toContain(prompt)
    expect(await clockOf(page)).toBeGreaterThanOrEqual(before)
    const box = (await placeholder.boundingBox())!
    expect(box.width / box.height).toBeCloseTo(3 / 4, 1)
    await shot(page, 'studio-job-after-reload-desktop')

    // A second tab finds the same job still running.
    const second = await context.newPage()
    await second.goto(`${web.server.url}/studio`)
    const elsewhere = second.getByTestId('generating')
    await elsewhere.waitFor()
    expect(await elsewhere.getAttribute('data-job-id')).toBe(jobId)
    expect(await elsewhere.textContent()).toContain(prompt)

    // Then both show the picture.
    for (const tab of [page, second]) {
      await tab.getByTestId('result-image').waitFor({ timeout: 30_000 })
      const natural = await loadedImageSize(tab, 'result-image')
      expect(natural.width / natural.height).toBeCloseTo(3 / 4, 1)
      expect(await tab.getByTestId('result-image').getAttribute('alt')).toBe(prompt)
      expect(await tab.getByTestId('generating').count()).toBe(0)
      expect(await creditsShown(tab)).toBe('2')
    }
    await closeAll(context)
  })

  it('makes a batch of 2 for 2 credits and shows both pictures; the button tells the price first', async () => {
    const { context, page } = await web.signedIn()
    await page.goto(`${web.server.url}/studio`)
    await page.getByLabel('提示词', { exact: true }).fill('两只猫在窗台上')
    await page.getByTestId('count-2').click()
    expect(await page.getByTestId('generate').textContent()).toContain('生成 2 张 · 2 积分')
    await page.getByTestId('generate').click()
    await expect.poll(() => page.getByTestId('generating').textContent()).toContain('已完成 0 / 2 张')
    await expect.poll(() => creditsShown(page)).toBe('1')
    await shot(page, 'studio-batch-running-desktop')

    await expect.poll(() => page.getByTestId('result-image').count(), { timeout: 20_000 }).toBe(2)
    for (const i of [0, 1]) {
      await expect.poll(() => page.getByTestId('result-image').nth(i).evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true)
    }
    expect(await page.getByTestId('batch-failed').count()).toBe(0)
    expect(await creditsShown(page)).toBe('1')
    await expectNoSeriousViolations(page)
    await shot(page, 'studio-batch-desktop')
    await closeAll(context)
  })

  it('says in words why a job failed and that its credits came back; a batch lists the picture that failed and refunds it', async () => {
    const { context, page, account } = await web.signedIn()
    upstream.queue.push({ kind: 'delay', ms: 1500, then: { kind: 'status', status: 500 } })
    await page.goto(`${web.server.url}/studio`)
    await page.getByLabel('提示词', { exact: true }).fill('一座会发光的城堡')
    await page.getByTestId('generate').click()
    const error = page.getByTestId('studio-error')
    await expect.poll(() => error.textContent(), { timeout: 15_000 }).toContain('图片服务暂时出错')
    expect(await error.getByTestId('refund').textContent()).toContain('已退回 1 积分，当前余额 3 积分')
    expect(await creditsShown(page)).toBe('3')
    expect((await account.api<{ credits: number }>('/api/users/me')).credits).toBe(3)
    await expectNoSeriousViolations(page)
    await shot(page, 'studio-job-failed-desktop')

    // Two pictures, one of which the upstream refuses: one picture shown, one listed as failed and refunded.
    upstream.queue.push({ kind: 'b64' }, { kind: 'status', status: 500 })
    await page.getByTestId('count-2').click()
    await page.getByTestId('generate').click()
    await loadedImageSize(page, 'result-image')
    const failed = page.getByTestId('batch-failed')
    await failed.waitFor()
    expect(await failed.textContent()).toContain('1 / 2 张未能生成')
    expect(await failed.getByTestId('refund').textContent()).toContain('已退回 1 积分，当前余额 2 积分')
    expect(await page.getByTestId('result-image').count()).toBe(1)
    expect(await page.getByTestId('studio-error').count()).toBe(0)
    expect(await creditsShown(page)).toBe('2')
    await shot(page, 'studio-batch-partial-desktop')
    await closeAll(context)
  })

  it('follows the job by asking every 2 s when the event stream is cut (a proxy that buffers it)', async () => {
    const { context, page } = await web.signedIn()
    upstream.fallback = { kind: 'delay', ms: 1000, then: { kind: 'b64' } }
    let streams = 0
    await page.route('**/api/jobs/*/events', (route) => {
      streams += 1
      return route.abort()
    })
    await page.goto(`${web.server.url}/studio`)
    await page.getByLabel('提示词', { exact: true }).fill('雨中的霓虹街道')
    await page.getByTestId('generate').click()
    await loadedImageSize(page, 'result-image')
    expect(streams).toBeGreaterThan(0)
    expect(await creditsShown(page)).toBe('2')
    await closeAll(context)
  })
})
