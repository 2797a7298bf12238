import type { Page } from 'playwright-core'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { closeAll, expectNoSeriousViolations, loadedImageSize, shot, useBrowserServer } from '../support/e2e'
import { recordUploads } from '../support/studio'

const web = useBrowserServer()

/** Drops files on an element the way a browser would dispatch it; answers whether the page stopped the browser's own handling. */
function dropOn(page: Page, selector: string, file: { name: string, type: string, base64: string }) {
  return page.evaluate(({ selector, file }) => {
    const data = new DataTransfer()
    data.items.add(new File([Uint8Array.from(atob(file.base64), c => c.charCodeAt(0))], file.name, { type: file.type }))
    const target = document.querySelector(selector)!
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }))
    const drop = new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true })
    target.dispatchEvent(drop)
    return drop.defaultPrevented
  }, { selector, file })
}

describe('reference images', () => {
  it('match the ratio to a 4:3 reference by default, still changeable, and show the whole reference uncropped', async () => {
    const { context, page } = await web.signedIn()
    const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 30, g: 140, b: 90 } } }).jpeg().toBuffer()
    await page.goto(`${web.server.url}/studio`)
    await page.getByTestId('mode-image-to-image').click()
    expect(await page.getByTestId('size-1:1').locator('input').isChecked()).toBe(true)
    expect(await page.getByTestId('match-reference').count()).toBe(0)

    await page.getByTestId('image-input').setInputFiles([{ name: 'garden.jpg', mimeType: 'image/jpeg', buffer: photo }])
    await expect.poll(() => page.getByTestId('size-4:3').locator('input').isChecked()).toBe(true)
    const match = page.getByTestId('match-reference')
    expect(await match.textContent()).toContain('匹配参考图 4:3')
    expect(await match.getAttribute('aria-pressed')).toBe('true')

    // The preview is the whole photo, letterboxed in its tile.
    const thumbnail = page.getByTestId('input-image').locator('img')
    expect(await thumbnail.evaluate(el => getComputedStyle(el).objectFit)).toBe('contain')

    await page.getByTestId('size-1:1').click()
    expect(await match.getAttribute('aria-pressed')).toBe('false')
    await match.click()
    expect(await page.getByTestId('size-4:3').locator('input').isChecked()).toBe(true)
    await expectNoSeriousViolations(page)
    await shot(page, 'studio-reference-matched-desktop')
    await closeAll(context)
  })

  it('shrink a 15 MB photo in the browser to a 2048 px long side under the server\'s 10 MB, and generate from it', async () => {
    const { context, page } = await web.signedIn()
    const uploads = await recordUploads(page)
    // Noise does not compress: a photo as heavy as a phone's.
    const photo = await sharp({ create: { width: 3000, height: 2250, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png({ compressionLevel: 0 }).toBuffer()
    expect(photo.length).toBeGreaterThan(15 * 1024 * 1024)
    expect(photo.length).toBeLessThan(50 * 1024 * 1024)

    await page.goto(`${web.server.url}/studio`)
    await page.getByTestId('mode-image-to-image').click()
    await page.getByTestId('image-input').setInputFiles([{ name: 'phone-photo.png', mimeType: 'image/png', buffer: photo }])
    await expect.poll(() => page.getByTestId('input-image').count(), { timeout: 20_000 }).toBe(1)
    expect(await page.getByTestId('studio-notice').count()).toBe(0)
    await page.getByLabel('提示词', { exact: true }).fill('改成油画风格')
    await page.getByTestId('generate').click()
    await loadedImageSize(page, 'result-image')

    const sent = await uploads()
    expect(sent).toHaveLength(1)
    expect(sent[0]).toHaveLength(1)
    const [upload] = sent[0]!
    expect([upload!.width, upload!.height]).toEqual([2048, 1536])
    expect(upload!.bytes).toBeLessThanOrEqual(10 * 1024 * 1024)
    await closeAll(context)
  })

  it('are taken when dropped anywhere in the studio, while a drop elsewhere on the page is caught and the page stays', async () => {
    const { context, page } = await web.signedIn()
    const png = (await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 80, b: 40 } } }).png().toBuffer()).toString('base64')
    await page.goto(`${web.server.url}/studio`)
    const url = page.url()

    // On the header: the browser would open the file in place of the app; the page stops it and takes nothing.
    expect(await dropOn(page, 'header', { name: 'stray.png', type: 'image/png', base64: png })).toBe(true)
    expect(page.url()).toBe(url)
    expect(await page.getByTestId('mode-text-to-image').locator('input').isChecked()).toBe(true)

    // On the result area, far from the drop zone (not even shown in text-to-image): a reference image, in image-to-image.
    expect(await dropOn(page, '#nb-result', { name: 'wide.png', type: 'image/png', base64: png })).toBe(true)
    await expect.poll(() => page.getByTestId('input-image').count()).toBe(1)
    expect(await page.getByTestId('mode-image-to-image').locator('input').isChecked()).toBe(true)
    expect(await page.getByTestId('size-3:2').locator('input').isChecked()).toBe(true)
    expect(page.url()).toBe(url)
    await closeAll(context)
  })
})
