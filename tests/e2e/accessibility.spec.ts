import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { hydrated, screenshot } from '../support/browser'
import { closeAll, DESKTOP, holdRequests, preferenceCookies, seriousViolations, useBrowserServer } from '../support/e2e'
import { client, signUp } from '../support/server'

const ADMIN = { email: 'a11y-admin@example.com', password: 'a11y-admin-password-1' }
const web = useBrowserServer({ env: { NUXT_ADMIN_EMAIL: ADMIN.email, NUXT_ADMIN_PASSWORD: ADMIN.password } })
let owner: Awaited<ReturnType<typeof signUp>>
let adminToken: string

beforeAll(async () => {
  owner = await signUp(web.server)
  expect((await owner.api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'Red fox in snow', size: '3:2' } })).status).toBe(200)
  expect((await owner.api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'A lighthouse', size: '2:3' } })).status).toBe(200)
  adminToken = (await client(web.server)<{ token: string }>('/api/login', { method: 'POST', body: ADMIN })).token
})

interface Focused { name: string, ring: { color: string, width: number, backdrop: string } | null }

/**
 * What has the keyboard's focus, and the focus ring drawn for it: an outline of 2 px or more on the
 * element, on the control that shows it (the next sibling of a hidden radio, checkbox or switch input),
 * or on the wrapper of a text field; with the colour behind the ring (the page, card or dialog around
 * it; the element's own for a ring drawn inside it; its halo for one that has a halo).
 */
function focused(page: Page) {
  return page.evaluate(async (): Promise<Focused | null> => {
    // A ring that grows in (a transition) is judged as it ends up.
    await Promise.all(document.getAnimations().filter(a => a.effect?.getTiming().iterations !== Infinity).map(a => a.finished.catch(() => undefined)))
    const active = document.activeElement
    if (!(active instanceof HTMLElement) || active === document.body) return null
    const name = `${active.tagName.toLowerCase()}${active.dataset.testid ? `[${active.dataset.testid}]` : ''} "${(active.getAttribute('aria-label') ?? active.textContent ?? '').trim().slice(0, 30)}"`
    const candidates = [active, active.nextElementSibling, active.parentElement, active.parentElement?.parentElement, active.parentElement?.parentElement?.parentElement]
    const ringed = candidates.find((el): el is Element => {
      if (!el) return false
      const style = getComputedStyle(el)
      return style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2
    })
    if (!ringed) return { name, ring: null }
    const style = getComputedStyle(ringed)
    // A control over a picture carries its own halo: a solid box-shadow reaching past the ring, which the ring is seen against.
    const reach = Number.parseFloat(style.outlineOffset) + Number.parseFloat(style.outlineWidth)
    const halo = style.boxShadow.split(/,(?![^(]*\))/).map(shadow => shadow.trim().match(/^(rgb\([^)]*\)) 0px 0px 0px ([\d.]+)px$/)).find(m => m && Number(m[2]) >= reach)
    if (halo) return { name, ring: { color: style.outlineColor, width: Number.parseFloat(style.outlineWidth), backdrop: halo[1]! } }
    let el: Element | null = Number.parseFloat(style.outlineOffset) < 0 ? ringed : ringed.parentElement
    let backdrop = getComputedStyle(document.body).backgroundColor
    for (; el; el = el.parentElement) {
      const bg = getComputedStyle(el).backgroundColor
      if (bg !== 'transparent' && !/rgba\([^)]*,\s*0\)$/.test(bg)) {
        backdrop = bg
        break
      }
    }
    return { name, ring: { color: style.outlineColor, width: Number.parseFloat(style.outlineWidth), backdrop } }
  })
}

function rgb(color: string): [number, number, number, number] {
  const [r = 0, g = 0, b = 0, a = 1] = color.match(/[\d.]+/g)!.map(Number)
  return [r, g, b, a]
}
function luminance([r, g, b]: number[]) {
  const [R, G, B] = [r!, g!, b!].map((v) => {
    const c = v / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * R! + 0.7152 * G! + 0.0722 * B!
}
function contrast(a: string, b: string) {
  const [l1, l2] = [luminance(rgb(a)), luminance(rgb(b))].sort((x, y) => y - x)
  return (l1! + 0.05) / (l2! + 0.05)
}

/** Tabs through the page and lists every control whose focus ring is missing or under 3:1 against what is behind it. */
async function weakFocusRings(page: Page, presses: number) {
  const problems: string[] = []
  const seen: string[] = []
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('Tab')
    const now = await focused(page)
    if (!now) continue
    seen.push(now.name)
    if (!now.ring) problems.push(`${now.name}: no ring`)
    else if (contrast(now.ring.color, now.ring.backdrop) < 3) problems.push(`${now.name}: ${now.ring.color} on ${now.ring.backdrop} is ${contrast(now.ring.color, now.ring.backdrop).toFixed(2)}:1`)
  }
  return { problems, seen }
}

async function open(path: string, theme: 'light' | 'dark', token?: string) {
  const context = await web.browser.newContext({ viewport: DESKTOP })
  await context.addCookies([...preferenceCookies(web.server.url, { theme }), ...(token ? [{ name: 'auth.token', value: token, url: web.server.url }] : [])])
  const page = await context.newPage()
  await page.goto(`${web.server.url}${path}`)
  await hydrated(page)
  return { context, page }
}

describe('focus rings in Chromium', () => {
  it.each(['light', 'dark'] as const)('show on every control of the public pages, 3:1 or better (%s)', async (theme) => {
    for (const path of ['/', '/login', '/register', '/nope']) {
      const { context, page } = await open(path, theme)
      const { problems, seen } = await weakFocusRings(page, 16)
      expect(seen.length, path).toBeGreaterThan(3)
      expect(problems, path).toEqual([])
      await closeAll(context)
    }
  })

  it.each(['light', 'dark'] as const)('show on every control of the studio, the gallery, its preview and the account page (%s)', async (theme) => {
    for (const path of ['/studio', '/gallery', '/account']) {
      const { context, page } = await open(path, theme, owner.token)
      const { problems, seen } = await weakFocusRings(page, 30)
      expect(seen.length, path).toBeGreaterThan(8)
      expect(problems, path).toEqual([])
      await closeAll(context)
    }
    const { context, page } = await open('/gallery', theme, owner.token)
    await page.getByTestId('gallery-item').first().click()
    await page.getByTestId('preview-image').waitFor()
    const { problems, seen } = await weakFocusRings(page, 10)
    expect(seen.some(name => name.includes('preview-next'))).toBe(true)
    expect(problems, 'preview').toEqual([])
    await closeAll(context)
  })

  it.each(['light', 'dark'] as const)('show on the selected ratio tile of the studio, against the card (%s)', async (theme) => {
    const { context, page } = await open('/studio', theme, owner.token)
    const tile = page.getByTestId('size-1:1')
    await tile.waitFor()
    // Moving through the ratios by the keyboard: the focused tile is the selected (filled) one.
    await tile.locator('input').focus()
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowLeft')
    expect(await tile.locator('input').isChecked()).toBe(true)
    expect(await tile.locator('input').evaluate(el => el === document.activeElement && el.matches(':focus-visible'))).toBe(true)
    const now = await focused(page)
    expect(now?.ring).not.toBeNull()
    expect(contrast(now!.ring!.color, now!.ring!.backdrop)).toBeGreaterThanOrEqual(3)
    await screenshot(page, `focus-ratio-${theme}`)
    await closeAll(context)
  })

  it.each(['light', 'dark'] as const)('show on the user menu\'s items, opened and walked from the keyboard, the focus going back on Escape (%s)', async (theme) => {
    // A sign-in of its own: the test ends by signing out.
    const { token } = await client(web.server)<{ token: string }>('/api/login', { method: 'POST', body: ADMIN })
    const { context, page } = await open('/gallery', theme, token)
    await page.getByTestId('user-menu').focus()
    await page.keyboard.press('Enter')
    const names: string[] = []
    for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown']) {
      const now = await focused(page)
      names.push(now?.name ?? '')
      expect(now?.ring, now?.name).not.toBeNull()
      expect(contrast(now!.ring!.color, now!.ring!.backdrop), now!.name).toBeGreaterThanOrEqual(3)
      await page.keyboard.press(key)
    }
    expect(names.map(name => /\[([\w-]+)\]/.exec(name)?.[1])).toEqual(['menu-account', 'menu-admin', 'sign-out'])
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, `user-menu-${theme}`)
    await page.keyboard.press('Escape')
    expect(await page.getByRole('menu').count()).toBe(0)
    expect((await focused(page))?.name).toContain('user-menu')
    // Enter on an item does what a click does.
    await page.keyboard.press('ArrowUp')
    await page.keyboard.press('Enter')
    await page.waitForURL(url => url.pathname === '/login')
    await closeAll(context)
  })

  it.each(['light', 'dark'] as const)('show on every control of the admin page\'s tabs (%s)', async (theme) => {
    const { context, page } = await open('/admin', theme, adminToken)
    for (const tab of ['用户', '兑换码', '模型']) {
      await page.getByRole('tab', { name: tab, exact: true }).click()
      await page.locator('.el-tab-pane:visible .el-table__header').waitFor()
      const { problems, seen } = await weakFocusRings(page, 25)
      expect(seen.length, tab).toBeGreaterThan(8)
      expect(problems, tab).toEqual([])
    }
    await closeAll(context)
  })
})

describe('reduced motion in Chromium', () => {
  /** The longest transition and animation of the elements matching `selector`, in seconds. */
  const longest = (page: Page, selector: string) => page.locator(selector).first().evaluate((el) => {
    const seconds = (value: string) => Math.max(...value.split(',').map(v => Number.parseFloat(v) * (v.trim().endsWith('ms') ? 0.001 : 1)))
    const style = getComputedStyle(el)
    return { transition: seconds(style.transitionDuration), animation: seconds(style.animationDuration), iterations: style.animationIterationCount }
  })

  it('turns transitions and animations off for someone who asked their system for less motion', async () => {
    for (const reducedMotion of ['no-preference', 'reduce'] as const) {
      const context = await web.browser.newContext({ reducedMotion })
      await context.addCookies([{ name: 'auth.token', value: owner.token, url: web.server.url }])
      const page = await context.newPage()
      await page.goto(`${web.server.url}/account`)
      await hydrated(page)
      // The placeholder tiles' shimmer, while the pictures are held back; then the pictures.
      const pictures = await holdRequests(page, url => url.pathname === '/api/gallery')
      await page.getByTestId('nav-gallery').click()
      await page.getByTestId('gallery-skeleton').waitFor()
      const skeleton = await longest(page, '.nb-skeleton')
      pictures.release()
      await page.getByTestId('gallery-item').first().waitFor()
      const tile = await longest(page, '.nb-tile-open img')
      const bar = await longest(page, '.nuxt-loading-indicator')
      const button = await longest(page, '.el-button')
      if (reducedMotion === 'reduce') {
        for (const [what, value] of Object.entries({ tile, bar, button })) expect(value.transition, what).toBeLessThanOrEqual(0.001)
        expect(skeleton.animation).toBeLessThanOrEqual(0.001)
        expect(skeleton.iterations).toBe('1')
      }
      else {
        expect(tile.transition).toBeGreaterThan(0.1)
        expect(bar.transition).toBeGreaterThan(0.1)
        expect(skeleton.iterations).toBe('infinite')
      }
      await closeAll(context)
    }
  })
})
