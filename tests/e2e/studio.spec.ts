import Database from 'better-sqlite3'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { closeAll, creditsShown, DESKTOP, expectNoHorizontalScroll, loadedImageSize, PHONE, shot, submitAuthForm, useBrowserServer } from '../support/e2e'
import { uniqueEmail } from '../support/server'
import { recordUploads } from '../support/studio'

const web = useBrowserServer()

describe('the studio in Chromium', () => {
  it('takes a new user from sign-up through a text-to-image generation to the gallery, preview, download and delete', async () => {
    const context = await web.browser.newContext({ viewport: DESKTOP, acceptDownloads: true })
    const page = await context.newPage()
    const email = uniqueEmail('journey')
    const prompt = '一只戴着草帽的柴犬在向日葵田里奔跑，夏日午后，胶片质感'

    await page.goto(`${web.server.url}/`)
    await shot(page, 'home-desktop')
    await page.getByTestId('home-cta').click()
    await page.waitForURL(/\/register/)
    await submitAuthForm(page, { email, password: 'a-good-password' })

    // A new account lands in the studio, with its signup credits and the demo provider announced.
    await page.waitForURL(/\/studio$/)
    await page.getByTestId('demo-badge').waitFor()
    expect(await creditsShown(page)).toBe('3')
    expect(await page.getByTestId('generate').isDisabled()).toBe(true)
    expect(await page.getByTestId('generate-reason').textContent()).toContain('请先输入提示词')
    await shot(page, 'studio-empty-desktop')

    await page.getByTestId('size-16:9').click()
    await page.getByLabel('提示词', { exact: true }).fill(prompt)
    expect(await page.locator('.el-input__count').textContent()).toContain(`${prompt.length} / 4000`)
    // A double click asks once: the button holds still until the server has the job.
    await page.getByTestId('generate').dblclick()

    // While it runs: the placeholder in the chosen ratio, a running clock, and one generation only.
    const placeholder = page.getByTestId('generating')
    await placeholder.waitFor()
    const box = (await placeholder.boundingBox())!
    expect(box.width / box.height).toBeCloseTo(16 / 9, 1)
    await expect.poll(() => placeholder.textContent()).toMatch(/已用时 0\.[1-9]/)
    expect(await placeholder.count()).toBe(1)
    await shot(page, 'studio-generating-desktop')

    const natural = await loadedImageSize(page, 'result-image')
    expect(natural.width / natural.height).toBeCloseTo(16 / 9, 1)
    expect(await page.getByTestId('result-image').getAttribute('alt')).toBe(prompt)
    // The header's balance follows the response at once, without a reload.
    expect(await creditsShown(page)).toBe('2')
    await shot(page, 'studio-result-desktop')

    await page.getByTestId('nav-gallery').click()
    await page.waitForURL(/\/gallery$/)
    const items = page.getByTestId('gallery-item')
    await items.first().waitFor()
    expect(await items.count()).toBe(1)
    // Among the first tiles, on screen at once: its thumbnail is not lazy (it is the page's largest paint).
    expect(await items.first().locator('img').getAttribute('loading')).toBe('eager')
    expect(await items.first().locator('img').getAttribute('alt')).toBe(prompt)
    await shot(page, 'gallery-desktop')

    await items.first().click()
    await page.getByTestId('preview-image').waitFor()
    expect(await page.getByTestId('preview-prompt').textContent()).toContain(prompt)
    const previewText = await page.getByTestId('preview').textContent()
    expect(previewText).toContain('Nano Banana')
    expect(previewText).toContain('16:9')
    await shot(page, 'gallery-preview-desktop')

    // Named after the prompt's first words, then the creation's id.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('preview-download').click()])
    expect(download.suggestedFilename()).toMatch(/^一只戴着草帽的柴犬在向日葵田里奔跑-夏日午后-胶片质感-\d+\.(png|jpe?g|webp)$/)
    const bytes = readFileSync((await download.path())!)
    const meta = await sharp(bytes).metadata()
    expect(meta.width! / meta.height!).toBeCloseTo(16 / 9, 1)

    // Remix opens the studio with the same prompt, model and ratio.
    await page.getByTestId('preview-remix').click()
    await page.waitForURL(/\/studio\?/)
    expect(await page.getByLabel('提示词', { exact: true }).inputValue()).toBe(prompt)
    expect(await page.getByTestId('size-16:9').locator('input').isChecked()).toBe(true)
    await page.getByTestId('nav-gallery').click()
    await items.first().click()
    await page.getByTestId('preview-image').waitFor()

    // Delete asks first; cancelling keeps it, confirming removes it from the grid and from the server.
    await page.getByTestId('preview-delete').click()
    await page.getByTestId('cancel-delete').click()
    expect(await items.count()).toBe(1)
    await page.getByTestId('preview-delete').click()
    await page.getByTestId('confirm-delete').click()
    await page.getByTestId('gallery-empty').waitFor()
    // …and says so (Element Plus's toast, whose code the page loads after it has started).
    await page.locator('.el-message').getByText('已删除').waitFor()
    await page.reload()
    await page.getByTestId('gallery-empty').waitFor()
    expect(await page.getByTestId('gallery-empty-cta').getAttribute('href')).toBe('/studio')
    await shot(page, 'gallery-empty-desktop')
    await page.getByTestId('gallery-empty-cta').click()
    await page.waitForURL(/\/studio$/)
    expect(await page.getByTestId('result').count()).toBe(0)
    await closeAll(context)
  })

  it('generates from an uploaded photo, scaling a large one down in the browser first, and rejects files it cannot use', async () => {
    const { context, page } = await web.signedIn()
    const large = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: { r: 40, g: 120, b: 200 } } }).png().toBuffer()
    const small = await sharp({ create: { width: 400, height: 400, channels: 3, background: { r: 220, g: 60, b: 60 } } }).png().toBuffer()

    const uploads = await recordUploads(page)
    await page.goto(`${web.server.url}/studio`)
    await page.getByLabel('提示词', { exact: true }).fill('把天空换成晚霞')

    // Pasting an image while in text-to-image switches modes and takes it as the input.
    const paste = (png: string) => page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0))
      const data = new DataTransfer()
      data.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }))
      document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
    }, png)
    await paste(small.toString('base64'))
    await expect.poll(() => page.getByTestId('input-image').count()).toBe(1)
    expect(await page.getByTestId('mode-image-to-image').locator('input').isChecked()).toBe(true)
    await page.getByTestId('remove-input').click()
    await expect.poll(() => page.getByTestId('input-image').count()).toBe(0)
    await page.getByTestId('mode-text-to-image').click()
    await page.getByTestId('mode-image-to-image').click()
    expect(await page.getByTestId('generate-reason').textContent()).toContain('请至少添加一张参考图片')
    expect(await page.getByTestId('generate').isDisabled()).toBe(true)

    await page.getByTestId('image-input').setInputFiles([{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') }])
    await expect.poll(() => page.getByTestId('studio-notice').textContent()).toContain('notes.txt')
    // Over 50 MB is refused before any work, whatever the bytes (Playwright takes so large a file only from disk).
    const huge = join(mkdtempSync(join(tmpdir(), 'nb-huge-')), 'huge.png')
    writeFileSync(huge, Buffer.alloc(50 * 1024 * 1024 + 1))
    await page.getByTestId('image-input').setInputFiles(huge)
    await expect.poll(() => page.getByTestId('studio-notice').textContent()).toContain('「huge.png」超过 50 MB')
    rmSync(huge)
    expect(await page.getByTestId('input-image').count()).toBe(0)

    await page.getByTestId('image-input').setInputFiles([
      { name: 'big.png', mimeType: 'image/png', buffer: large },
      { name: 'small.png', mimeType: 'image/png', buffer: small },
    ])
    await expect.poll(() => page.getByTestId('input-image').count()).toBe(2)
    // Remove one, the previews follow.
    await page.getByTestId('remove-input').nth(1).click()
    await expect.poll(() => page.getByTestId('input-image').count()).toBe(1)

    await shot(page, 'studio-image-to-image-desktop')
    // Ctrl+Enter in the prompt generates.
    await page.getByLabel('提示词', { exact: true }).press('Control+Enter')
    await loadedImageSize(page, 'result-image')

    // What went over the wire: the 3000×2000 photo, scaled to a 2048 px long side.
    expect(await uploads()).toEqual([[{ type: 'image/png', bytes: expect.any(Number), width: 2048, height: 1365 }]])
    expect(await creditsShown(page)).toBe('2')

    // "Use as input" brings the result back as a reference image.
    await page.getByTestId('use-as-input').click()
    await expect.poll(() => page.getByTestId('input-image').count()).toBe(2)
    await shot(page, 'studio-image-result-desktop')
    await closeAll(context)
  })

  it('stops at zero credits with a clear reason, and shows the same state when the server answers 402', async () => {
    const { context, page, account } = await web.signedIn()
    await page.goto(`${web.server.url}/studio`)
    await page.getByLabel('提示词', { exact: true }).fill('雪山下的湖泊')

    // HD costs 2 of the 3 signup credits; after it, HD is out of reach, the standard model is not.
    await page.getByTestId('model-nano-banana-hd').click()
    expect(await page.getByTestId('generate').textContent()).toContain('2')
    await page.getByTestId('generate').click()
    await loadedImageSize(page, 'result-image')
    expect(await creditsShown(page)).toBe('1')
    expect(await page.getByTestId('generate').isDisabled()).toBe(true)
    expect(await page.getByTestId('generate-reason').textContent()).toContain('此模型每张需要 2 积分，你目前有 1 积分')
    await page.getByTestId('credits-short').waitFor()

    await page.getByTestId('model-nano-banana').click()
    expect(await page.getByTestId('generate').isDisabled()).toBe(false)

    // Another tab spends the last credit behind this page's back: the click meets a 402.
    const spent = await account.api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'elsewhere' } })
    expect(spent.status).toBe(200)
    await page.getByTestId('generate').click()
    await expect.poll(() => creditsShown(page)).toBe('0')
    expect(await page.getByTestId('generate').isDisabled()).toBe(true)
    expect(await page.getByTestId('generate-reason').textContent()).toContain('你目前有 0 积分')
    await page.getByTestId('credits-short').waitFor()
    expect(await page.getByTestId('studio-error').count()).toBe(0)
    await shot(page, 'studio-no-credits-desktop')
    await closeAll(context)
  })

  it('prefills the studio from a remix link', async () => {
    const { context, page } = await web.signedIn()
    await page.goto(`${web.server.url}/studio?prompt=${encodeURIComponent('水彩风格的猫')}&model=nano-banana-hd&size=9:16`)
    expect(await page.getByLabel('提示词', { exact: true }).inputValue()).toBe('水彩风格的猫')
    expect(await page.getByTestId('model-nano-banana-hd').locator('input').isChecked()).toBe(true)
    expect(await page.getByTestId('size-9:16').locator('input').isChecked()).toBe(true)
    await closeAll(context)
  })

  it('works on a 375 px wide phone: studio, result and gallery without sideways scrolling', async () => {
    const { context, page } = await web.signedIn({ viewport: PHONE })
    await page.goto(`${web.server.url}/studio`)
    await expectNoHorizontalScroll(page)
    await shot(page, 'studio-empty-phone')
    await page.getByLabel('提示词', { exact: true }).fill('竖版海报：霓虹灯下的咖啡馆')
    await page.getByTestId('size-9:16').click()
    await page.getByTestId('generate').click()
    await loadedImageSize(page, 'result-image')
    const box = (await page.getByTestId('result-image').boundingBox())!
    expect(box.width).toBeLessThanOrEqual(PHONE.width)
    await expectNoHorizontalScroll(page)
    await shot(page, 'studio-result-phone')

    await page.getByTestId('nav-gallery').click()
    await page.getByTestId('gallery-item').first().waitFor()
    await expectNoHorizontalScroll(page)
    await shot(page, 'gallery-phone')
    await page.getByTestId('gallery-item').first().click()
    await page.getByTestId('preview-image').waitFor()
    await shot(page, 'gallery-preview-phone')

    // Back in the studio, the draft and the last result are still there.
    await page.keyboard.press('Escape')
    await page.getByTestId('nav-studio').click()
    await page.waitForURL(/\/studio$/)
    expect(await page.getByLabel('提示词', { exact: true }).inputValue()).toBe('竖版海报：霓虹灯下的咖啡馆')
    expect(await page.getByTestId('size-9:16').locator('input').isChecked()).toBe(true)
    await loadedImageSize(page, 'result-image')
    await closeAll(context)
  })
})

describe('a long gallery', () => {
  it('loads more as the reader scrolls, with every tile sized before its image arrives', async () => {
    const { context, page, account } = await web.signedIn()
    const res = await account.api.raw<{ creation: { id: number } }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: '重复的作品', size: '3:2' } })
    expect(res.status).toBe(200)
    // 29 more rows pointing at the same stored files: more than one page (24) without 29 generations.
    const db = new Database(join(web.server.dataDir, 'nano-banana.db'))
    const copy = db.prepare(`insert into creations (user_id, prompt, image_url, thumbnail_url, model_used, size, kind, width, height, created_at)
      select user_id, prompt || ' ' || ?, image_url, thumbnail_url, model_used, size, kind, width, height, created_at from creations where id = ?`)
    for (let i = 2; i <= 30; i++) copy.run(String(i), res._data!.creation.id)
    db.close()

    // Images held back: the grid must already have its final shape without them.
    await page.route('**/images/**', route => new Promise(resolve => setTimeout(() => resolve(route.continue()), 1500)))
    await page.goto(`${web.server.url}/gallery`)
    const items = page.getByTestId('gallery-item')
    await items.first().waitFor()
    expect(await items.count()).toBe(24)
    const sizes = await items.evaluateAll(els => els.map((el) => {
      const r = el.getBoundingClientRect()
      return r.width / r.height
    }))
    for (const ratio of sizes) expect(ratio).toBeCloseTo(3 / 2, 1)

    await page.getByTestId('load-more').scrollIntoViewIfNeeded()
    await expect.poll(() => items.count()).toBe(30)
    const labels = await items.evaluateAll(els => els.map(el => el.getAttribute('aria-label')))
    expect(new Set(labels).size).toBe(30)
    await page.getByText('共 30 张作品，已全部显示').waitFor()
    await closeAll(context)
  })
})
