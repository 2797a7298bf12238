import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import type { Creation, Page as ListPage } from '../../shared/types/api'
import { closeAll, DESKTOP, expectNoHorizontalScroll, expectNoSeriousViolations, holdRequests, loadedImageSize, PHONE, shot, useBrowserServer } from '../support/e2e'
import { signUp } from '../support/server'

const web = useBrowserServer()

interface Look { viewport?: { width: number, height: number }, touch?: boolean, theme?: 'dark', locale?: 'en' }

/** A browser for an account (a new one unless given), with a screen, a theme and a language. */
async function open(look: Look = {}, account?: Awaited<ReturnType<typeof signUp>>) {
  const who = account ?? await signUp(web.server)
  const context = await web.browser.newContext({ viewport: look.viewport ?? DESKTOP, hasTouch: look.touch, isMobile: look.touch })
  const cookies = [{ name: 'auth.token', value: who.token, url: web.server.url }]
  if (look.theme) cookies.push({ name: 'nb_theme', value: look.theme, url: web.server.url })
  if (look.locale) cookies.push({ name: 'nb_locale', value: look.locale, url: web.server.url })
  await context.addCookies(cookies)
  const page = await context.newPage()
  await page.goto(`${web.server.url}/studio`)
  return { context, page, account: who }
}

/** Every studio control smaller than 44 px either way, by its test id or text. */
function smallTargets(page: Page) {
  return page.evaluate(() => [...document.querySelectorAll('.nb-studio :is(.el-radio-button__inner, .el-radio.is-bordered, .el-button, .nb-dropzone)')]
    .map((el) => {
      const r = el.getBoundingClientRect()
      return { what: el.closest('[data-testid]')?.getAttribute('data-testid') ?? el.textContent?.trim(), width: r.width, height: r.height }
    })
    .filter(t => t.width > 0 && (t.width < 44 || t.height < 44)))
}

type Rgb = [number, number, number]
const rgb = (css: string): Rgb => (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number) as Rgb
function luminance([r, g, b]: Rgb) {
  const channel = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4)
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}
function contrast(a: string, b: string) {
  const [hi, lo] = [luminance(rgb(a)), luminance(rgb(b))].sort((x, y) => y - x) as [number, number]
  return (hi + 0.05) / (lo + 0.05)
}

/** Tabs through the studio; for each control reached, its focus ring and the colour behind it. */
async function focusRings(page: Page) {
  await page.getByTestId('mode-switch').locator('input').first().focus()
  await page.keyboard.press('Shift+Tab')
  const rings: { what: string, style: string, width: number, color: string, behind: string }[] = []
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab')
    const ring = await page.evaluate(async () => {
      // Element Plus eases the ring in: read it once it is there.
      await Promise.all(document.getAnimations().map(a => a.finished.catch(() => undefined)))
      const el = document.activeElement
      if (!el || !el.closest('.nb-studio')) return null
      const target = el.closest('.el-radio-button')?.querySelector('.el-radio-button__inner') ?? el.closest('.el-radio') ?? el
      const style = getComputedStyle(target)
      let behind = 'rgb(255, 255, 255)'
      for (let node = target.parentElement; node; node = node.parentElement) {
        const bg = getComputedStyle(node).backgroundColor
        if (bg !== 'transparent' && !/,\s*0\)$/.test(bg)) {
          behind = bg
          break
        }
      }
      return { what: el.closest('[data-testid]')?.getAttribute('data-testid') ?? el.tagName, style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth), color: style.outlineColor, behind }
    })
    if (ring) rings.push(ring)
    else if (rings.length) break
  }
  return rings
}

describe('the studio on a phone', () => {
  it('keeps Generate at the bottom of a touch screen with its price, names no keyboard shortcut, has 44 px targets, and brings the result into view', async () => {
    const { context, page } = await open({ viewport: PHONE, touch: true })
    const bar = page.getByTestId('generate-bar')
    expect(await page.getByTestId('generate-reason').textContent()).toContain('请先输入提示词')
    await page.getByLabel('提示词', { exact: true }).fill('竖版海报：霓虹灯下的咖啡馆，雨夜')
    await expect.poll(() => page.getByTestId('generate-reason').textContent()).toBe('')
    expect(await page.getByTestId('generate').textContent()).toContain('生成 1 张 · 1 积分')

    // In image-to-image the form is long; the bar stays on screen at the bottom.
    await page.getByTestId('mode-image-to-image').click()
    await page.evaluate(() => window.scrollTo(0, 0))
    const box = (await bar.boundingBox())!
    expect(box.y + box.height).toBeCloseTo(PHONE.height, 0)
    expect(await bar.isVisible()).toBe(true)
    expect(await bar.evaluate(el => getComputedStyle(el).position)).toBe('fixed')
    expect(await smallTargets(page)).toEqual([])
    await expectNoHorizontalScroll(page)
    await expectNoSeriousViolations(page)
    await shot(page, 'studio-image-to-image-phone')

    await page.getByTestId('mode-text-to-image').click()
    await page.getByTestId('size-9:16').click()
    await page.evaluate(() => window.scrollTo(0, 0))
    await page.getByTestId('generate').click()
    // The result area comes up into view, below nothing but the header's height.
    await expect.poll(() => page.locator('#nb-result').evaluate(el => Math.round(el.getBoundingClientRect().top))).toBeLessThan(PHONE.height / 2)
    expect(await page.locator('#nb-result').evaluate(el => el.getBoundingClientRect().top)).toBeGreaterThanOrEqual(0)
    await loadedImageSize(page, 'result-image')
    expect(await page.getByTestId('result-image').isVisible()).toBe(true)
    await expectNoHorizontalScroll(page)
    await shot(page, 'studio-result-touch-phone')
    await closeAll(context)
  })

  it('names the keyboard shortcut with a mouse, and keeps the Generate button in the form on a wide screen', async () => {
    const { context, page } = await open()
    await page.getByLabel('提示词', { exact: true }).fill('一杯咖啡')
    await expect.poll(() => page.getByTestId('generate-reason').textContent()).toContain('按 Ctrl + Enter 快速生成')
    expect(await page.getByTestId('generate-bar').evaluate(el => getComputedStyle(el).position)).toBe('static')
    await closeAll(context)
  })
})

describe('drafts', () => {
  it('keep the prompt, model, ratio, mode and batch across a reload, for that account only', async () => {
    const { context, page, account } = await open()
    await page.getByTestId('mode-image-to-image').click()
    await page.getByLabel('提示词', { exact: true }).fill('把天空换成极光')
    await page.getByTestId('model-nano-banana-hd').click()
    await page.getByTestId('size-21:9').click()
    await page.getByTestId('count-3').click()
    await page.reload()
    expect(await page.getByLabel('提示词', { exact: true }).inputValue()).toBe('把天空换成极光')
    for (const id of ['mode-image-to-image', 'model-nano-banana-hd', 'size-21:9', 'count-3']) {
      expect(await page.getByTestId(id).locator('input').isChecked(), id).toBe(true)
    }

    // The same browser signed in as someone else starts afresh.
    const other = await signUp(web.server)
    await context.addCookies([{ name: 'auth.token', value: other.token, url: web.server.url }])
    await page.reload()
    expect(await page.getByLabel('提示词', { exact: true }).inputValue()).toBe('')
    expect(await page.getByTestId('mode-text-to-image').locator('input').isChecked()).toBe(true)
    await context.addCookies([{ name: 'auth.token', value: account.token, url: web.server.url }])
    await page.reload()
    expect(await page.getByLabel('提示词', { exact: true }).inputValue()).toBe('把天空换成极光')
    await closeAll(context)
  })
})

describe('recent pictures', () => {
  it('come from the server, newest first, each with its settings to reuse, a way back in as a reference, and a download named after its prompt', async () => {
    // Made on another device: through the API.
    const account = await signUp(web.server)
    for (const [prompt, size, model] of [['A lighthouse at night', '2:3', 'nano-banana'], ['雪地里的红狐狸', '3:2', 'nano-banana-hd']] as const) {
      expect((await account.api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt, size, model } })).status).toBe(200)
    }
    const [fox, lighthouse] = (await account.api<ListPage<Creation>>('/api/gallery')).items
    const context = await web.browser.newContext({ viewport: DESKTOP, acceptDownloads: true })
    await context.addCookies([{ name: 'auth.token', value: account.token, url: web.server.url }])
    const page = await context.newPage()
    await page.goto(`${web.server.url}/account`)

    // Placeholders while the pictures are on their way from another page.
    const pictures = await holdRequests(page, url => url.pathname === '/api/gallery')
    await page.getByTestId('nav-studio').click()
    await page.getByTestId('feed-skeleton').first().waitFor()
    expect(await page.getByTestId('feed').getAttribute('aria-busy')).toBe('true')
    pictures.release()
    const items = page.getByTestId('feed-item')
    await items.first().waitFor()
    expect(await items.locator('img').evaluateAll(imgs => imgs.map(img => img.getAttribute('alt')))).toEqual([fox!.prompt, lighthouse!.prompt])

    await items.nth(1).getByTestId('feed-reuse').click()
    expect(await page.getByLabel('提示词', { exact: true }).inputValue()).toBe(lighthouse!.prompt)
    for (const id of ['model-nano-banana', 'size-2:3']) expect(await page.getByTestId(id).locator('input').isChecked(), id).toBe(true)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('nb-prompt')

    const [download] = await Promise.all([page.waitForEvent('download'), items.first().getByTestId('feed-download').click()])
    expect(download.suggestedFilename()).toBe(`雪地里的红狐狸-${fox!.id}.png`)

    // Back in as a reference: image-to-image, the picture in place, the ratio matched to it.
    await items.first().getByTestId('feed-reference').click()
    await page.getByTestId('input-image').waitFor()
    expect(await page.getByTestId('mode-image-to-image').locator('input').isChecked()).toBe(true)
    await expect.poll(() => page.getByTestId('size-3:2').locator('input').isChecked()).toBe(true)
    await page.evaluate(() => window.scrollTo(0, 0))
    await shot(page, 'studio-feed-reference-desktop')
    await closeAll(context)
  })
})

describe('the studio in both themes and both languages', () => {
  it('shows a visible focus ring on every control, at 3:1 against what is behind it, in light and dark', async () => {
    for (const theme of [undefined, 'dark'] as const) {
      const { context, page } = await open({ theme })
      await page.getByLabel('提示词', { exact: true }).fill('a focus test')
      const rings = await focusRings(page)
      expect(rings.map(r => r.what)).toEqual(['mode-text-to-image', 'prompt', 'model-nano-banana', 'size-1:1', 'count-1', 'generate'])
      for (const ring of rings) {
        expect(ring.style, `${ring.what} (${theme ?? 'light'})`).toBe('solid')
        expect(ring.width, ring.what).toBeGreaterThanOrEqual(2)
        expect(contrast(ring.color, ring.behind), `${ring.what}: ${ring.color} on ${ring.behind}`).toBeGreaterThanOrEqual(3)
      }
      await closeAll(context)
    }
  })

  it('passes the accessibility checks with pictures in the feed, in light and dark, Chinese and English, desktop and phone', async () => {
    const account = await signUp(web.server)
    for (const prompt of ['red fox in snow', '雪地里的红狐狸']) {
      expect((await account.api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt, size: '4:3' } })).status).toBe(200)
    }
    for (const viewport of [DESKTOP, PHONE]) {
      for (const theme of [undefined, 'dark'] as const) {
        for (const locale of [undefined, 'en'] as const) {
          const { context, page } = await open({ viewport, theme, locale }, account)
          await page.getByTestId('feed-item').first().waitFor()
          expect(await page.getByTestId('feed-item').count()).toBe(2)
          expect(await page.locator('html').getAttribute('lang')).toBe(locale ?? 'zh-CN')
          expect(await page.locator('html').evaluate(el => el.classList.contains('dark'))).toBe(theme === 'dark')
          await expectNoSeriousViolations(page)
          if (viewport === PHONE) await expectNoHorizontalScroll(page)
          await shot(page, `studio-${theme ?? 'light'}-${locale ?? 'zh'}-${viewport === PHONE ? 'phone' : 'desktop'}`)
          await closeAll(context)
        }
      }
    }
  // Eight pages, each scanned whole by axe: about 25 s on a quiet machine, more on a busy one.
  }, 150_000)
})
