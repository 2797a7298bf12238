import type { Page } from 'playwright-core'

/** An image of a multipart request as the page sent it. */
interface Upload { type: string, bytes: number, width: number, height: number }

/**
 * Records the images of each multipart request the page sends (Chromium does not show file bodies to
 * Playwright); call before the page loads, read with the function it returns.
 */
export async function recordUploads(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { nbUploads: unknown[] }
    w.nbUploads = []
    const original = window.fetch
    window.fetch = async (input, init) => {
      if (init?.body instanceof FormData) {
        const files = init.body.getAll('image').filter((f): f is File => f instanceof File)
        w.nbUploads.push(await Promise.all(files.map(async (f) => {
          const bitmap = await createImageBitmap(f)
          return { type: f.type, bytes: f.size, width: bitmap.width, height: bitmap.height }
        })))
      }
      return original(input, init)
    }
  })
  return () => page.evaluate(() => (window as unknown as { nbUploads: Upload[][] }).nbUploads)
}
