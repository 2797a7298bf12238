import type { BrowserContext, Locator, Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Creation, Page as ListPage } from '../../shared/types/api'
import { hydrated, screenshot } from '../support/browser'
import { closeAll, expectNoSeriousViolations, holdRequests, PHONE, shot, useBrowserServer } from '../support/e2e'
import { client, signUp } from '../support/server'

const ADMIN = { email: 'gallery-admin@example.com', password: 'gallery-admin-password-1' }
const web = useBrowserServer({ env: { NUXT_ADMIN_EMAIL: ADMIN.email, NUXT_ADMIN_PASSWORD: ADMIN.password } })

let owner: Awaited<ReturnType<typeof signUp>>
/** The owner's creations, newest first, as the API lists them. */
let made: Creation[] = []

async function generate(prompt: string, model = 'nano-banana') {
  const res = await owner.api.raw<{ creation: Creation }>('/api/generate/text-to-image', { method: 'POST', body: { prompt, model, size: '4:3' } })
  expect(res.status, JSON.stringify(res._data)).toBe(200)
}

beforeAll(async () => {
  owner = await signUp(web.server)
  const login = await client(web.server)<{ token: string }>('/api/login', { method: 'POST', body: ADMIN })
  const granted = await client(web.server, login.token).raw('/api/admin/add-credits', { method: 'POST', body: { userId: owner.user.id, amount: 20, reason: 'gallery tests' } })
  expect(granted.status).toBe(200)
  await generate('秋天的银杏大道，航拍视角')
  await generate('Red fox in snow')
  await generate('A blue whale under the sea', 'nano-banana-hd')
  await generate('Red fox at dawn, watercolour')
  made = (await owner.api<ListPage<Creation>>('/api/gallery')).items
  expect(made.map(c => c.prompt)).toEqual(['Red fox at dawn, watercolour', 'A blue whale under the sea', 'Red fox in snow', '秋天的银杏大道，航拍视角'])
})

/** The owner's gallery on a phone, hydrated, with the HTML the server sent for it. */
async function gallerySource() {
  const context = await web.browser.newContext({ viewport: PHONE })
  await context.addCookies([{ name: 'auth.token', value: owner.token, url: web.server.url }])
  const page = await context.newPage()
  const html = await (await page.goto(`${web.server.url}/gallery`))!.text()
  await hydrated(page)
  return { context, page, html }
}

/** A new tab showing the start of a page as the browser has it while still reading the rest (its inlined CSS applies; scripts left out). */
async function whileReading(context: BrowserContext, start: string) {
  const page = await context.newPage()
  await page.setContent(start.replace(/<script\b[\s\S]*?<\/script>/g, ''))
  return page
}

const visibility = (element: Locator) => element.evaluate(el => getComputedStyle(el).visibility)

/** The owner's browser, signed in, on a page of the gallery. */
async function ownerPage(options: { viewport?: { width: number, height: number }, hasTouch?: boolean, path?: string } = {}) {
  const context = await web.browser.newContext({ viewport: options.viewport, hasTouch: options.hasTouch, acceptDownloads: true })
  await context.addCookies([{ name: 'auth.token', value: owner.token, url: web.server.url }])
  const page = await context.newPage()
  await page.goto(`${web.server.url}${options.path ?? '/gallery'}`)
  await hydrated(page)
  return { context, page }
}

const tiles = (page: Page) => page.getByTestId('gallery-item')

/**
 * The app's scripts the page fetches from now on, each with its path and text: a function that waits
 * for them all. A script still arriving when the page closes has no text left to read (empty).
 */
function appScripts(page: Page) {
  const scripts: Promise<{ path: string, text: string }>[] = []
  page.on('response', (response) => {
    const { pathname } = new URL(response.url())
    if (/^\/_nuxt\/.+\.js$/.test(pathname)) scripts.push(response.text().then(text => ({ path: pathname, text }), () => ({ path: pathname, text: '' })))
  })
  return () => Promise.all(scripts)
}
const tileLabels = async (page: Page) => (await tiles(page).evaluateAll(els => els.map(el => el.getAttribute('aria-label') ?? '')))

async function choose(page: Page, testid: string, option: string) {
  await page.getByTestId(testid).selectOption({ label: option })
}

describe('the gallery in Chromium', () => {
  it('searches prompts on the server, keeps the search in the URL across a reload, and filters by kind and model', async () => {
    const { context, page } = await ownerPage()
    await tiles(page).first().waitFor()
    expect(await tiles(page).count()).toBe(4)

    await page.getByLabel('搜索提示词').fill('red fox')
    await page.waitForURL(url => url.searchParams.get('q') === 'red fox')
    await expect.poll(() => tiles(page).count()).toBe(2)
    expect(await tileLabels(page)).toEqual(['查看作品：Red fox at dawn, watercolour', '查看作品：Red fox in snow'])

    await page.reload()
    expect(await page.getByLabel('搜索提示词').inputValue()).toBe('red fox')
    expect(await tiles(page).count()).toBe(2)
    await shot(page, 'gallery-search')

    // Chinese words are found too.
    await page.getByLabel('搜索提示词').fill('银杏')
    await page.waitForURL(url => url.searchParams.get('q') === '银杏')
    await expect.poll(() => tileLabels(page)).toEqual(['查看作品：秋天的银杏大道，航拍视角'])

    await page.getByLabel('搜索提示词').fill('')
    await page.waitForURL(url => !url.searchParams.has('q'))
    await expect.poll(() => tiles(page).count()).toBe(4)

    await choose(page, 'gallery-model', 'Nano Banana HD')
    await page.waitForURL(url => url.searchParams.get('model') === 'nano-banana-hd')
    await expect.poll(() => tileLabels(page)).toEqual(['查看作品：A blue whale under the sea'])

    await choose(page, 'gallery-model', '全部模型')
    await choose(page, 'gallery-kind', '图生图')
    await page.waitForURL(url => url.searchParams.get('kind') === 'image-to-image' && !url.searchParams.has('model'))
    await page.getByTestId('gallery-no-match').waitFor()
    await expectNoSeriousViolations(page)
    await page.getByTestId('gallery-clear-filters').click()
    await page.waitForURL(url => url.search === '')
    await expect.poll(() => tiles(page).count()).toBe(4)
    await closeAll(context)
  })

  it('marks favourites with the heart on a tile and in the preview, and lists only them on request', async () => {
    const { context, page } = await ownerPage()
    const first = page.locator('li.nb-tile').first()
    await first.hover()
    const overlay = first.getByTestId('tile-overlay')
    await expect.poll(() => overlay.evaluate(el => getComputedStyle(el).opacity)).toBe('1')
    expect(await overlay.textContent()).toContain('Red fox at dawn, watercolour')
    await screenshot(page, 'gallery-tile-hover')
    const heart = first.getByTestId('favorite-toggle')
    expect(await heart.getAttribute('aria-pressed')).toBe('false')
    await heart.click()
    await expect.poll(() => heart.getAttribute('aria-pressed')).toBe('true')
    // The heart does not open the preview.
    expect(await page.getByTestId('preview-image').count()).toBe(0)

    await tiles(page).nth(2).click()
    const preview = page.getByTestId('preview')
    await preview.getByTestId('preview-prompt').waitFor()
    expect(await preview.getByTestId('preview-prompt').textContent()).toContain('Red fox in snow')
    await preview.getByTestId('favorite-toggle').click()
    await expect.poll(() => preview.getByTestId('favorite-toggle').getAttribute('aria-pressed')).toBe('true')
    await page.keyboard.press('Escape')
    await preview.waitFor({ state: 'hidden' })

    const favourites = (await owner.api<ListPage<Creation>>('/api/gallery', { query: { favorite: 1 } })).items.map(c => c.prompt)
    expect(favourites).toEqual(['Red fox at dawn, watercolour', 'Red fox in snow'])

    await page.getByTestId('gallery-favorites').click()
    await page.waitForURL(url => url.searchParams.get('favorite') === '1')
    await expect.poll(() => tileLabels(page)).toEqual(['查看作品：Red fox at dawn, watercolour', '查看作品：Red fox in snow'])
    await page.reload()
    expect(await tiles(page).count()).toBe(2)
    expect(await page.getByTestId('gallery-favorites').locator('input').isChecked()).toBe(true)
    // A favourite's heart shows without hovering.
    await page.mouse.move(0, 0)
    expect(await page.locator('li.nb-tile').first().getByTestId('favorite-toggle').isVisible()).toBe(true)

    // Unmarked here, it stays in sight until the list is shown again.
    await page.locator('li.nb-tile').first().getByTestId('favorite-toggle').click()
    await expect.poll(() => page.locator('li.nb-tile').first().getByTestId('favorite-toggle').getAttribute('aria-pressed')).toBe('false')
    expect(await tiles(page).count()).toBe(2)
    await page.reload()
    expect(await tileLabels(page)).toEqual(['查看作品：Red fox in snow'])
    await closeAll(context)
  })

  it('reaches a tile\'s actions from the keyboard, showing its overlay', async () => {
    const { context, page } = await ownerPage()
    const second = page.locator('li.nb-tile').nth(1)
    await second.getByTestId('gallery-item').focus()
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('favorite-toggle')
    expect(await second.getByTestId('favorite-toggle').evaluate(el => el === document.activeElement)).toBe(true)
    await expect.poll(() => second.getByTestId('tile-overlay').evaluate(el => getComputedStyle(el).opacity)).toBe('1')
    await page.keyboard.press('Tab')
    expect(await second.getByTestId('tile-download').evaluate(el => el === document.activeElement)).toBe(true)
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')])
    expect(download.suggestedFilename()).toBe(`a-blue-whale-under-the-sea-${made[1]!.id}.png`)
    await closeAll(context)
  })

  it('steps through the pictures in the preview with its buttons and the arrow keys, and names downloads after the prompt', async () => {
    const { context, page } = await ownerPage()
    await tiles(page).first().click()
    const preview = page.getByTestId('preview')
    const prompt = () => preview.getByTestId('preview-prompt').textContent()
    await preview.getByTestId('preview-prompt').waitFor()
    expect(await prompt()).toContain(made[0]!.prompt)
    expect(await preview.getByTestId('preview-previous').isDisabled()).toBe(true)

    await preview.getByTestId('preview-next').click()
    await expect.poll(prompt).toContain(made[1]!.prompt)
    await page.keyboard.press('ArrowRight')
    await expect.poll(prompt).toContain(made[2]!.prompt)
    await page.keyboard.press('ArrowRight')
    await expect.poll(prompt).toContain(made[3]!.prompt)
    expect(await preview.getByTestId('preview-next').isDisabled()).toBe(true)
    await page.keyboard.press('ArrowLeft')
    await expect.poll(prompt).toContain(made[2]!.prompt)
    await preview.getByTestId('preview-previous').click()
    await expect.poll(prompt).toContain(made[1]!.prompt)
    await expectNoSeriousViolations(page)

    await page.keyboard.press('ArrowRight')
    await expect.poll(prompt).toContain('Red fox in snow')
    const [download] = await Promise.all([page.waitForEvent('download'), preview.getByTestId('preview-download').click()])
    expect(download.suggestedFilename()).toBe(`red-fox-in-snow-${made[2]!.id}.png`)
    await page.keyboard.press('ArrowRight')
    await expect.poll(prompt).toContain('银杏')
    const [chinese] = await Promise.all([page.waitForEvent('download'), preview.getByTestId('preview-download').click()])
    expect(chinese.suggestedFilename()).toBe(`秋天的银杏大道-航拍视角-${made[3]!.id}.png`)
    await closeAll(context)
  })

  it('follows a finger swiping sideways across the picture on a phone', async () => {
    const { context, page } = await ownerPage({ viewport: PHONE, hasTouch: true })
    await tiles(page).first().tap()
    const preview = page.getByTestId('preview')
    const prompt = () => preview.getByTestId('preview-prompt').textContent()
    await preview.getByTestId('preview-image').waitFor()
    expect(await prompt()).toContain(made[0]!.prompt)
    const area = preview.getByTestId('preview-image-area')
    const cdp = await context.newCDPSession(page)
    /** A finger across the middle of the picture, from `from` to `to` (fractions of its width), where the picture is now. */
    const swipe = async (from: number, to: number) => {
      const box = (await area.boundingBox())!
      const [y, fromX, toX] = [box.y + box.height / 2, box.x + box.width * from, box.x + box.width * to]
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: fromX, y }] })
      for (let step = 1; step <= 5; step++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: fromX + ((toX - fromX) * step) / 5, y }] })
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
    }
    // The picture's place keeps its size while the next picture is on its way: nothing below it jumps.
    const height = (await area.boundingBox())!.height
    const next = await holdRequests(page, url => url.pathname === made[1]!.imageUrl)
    await swipe(0.85, 0.15)
    await expect.poll(prompt).toContain(made[1]!.prompt)
    await expect.poll(() => next.held.length).toBe(1)
    expect((await area.boundingBox())!.height).toBeCloseTo(height, 0)
    next.release()
    await swipe(0.85, 0.15)
    await expect.poll(prompt).toContain(made[2]!.prompt)
    await swipe(0.15, 0.85)
    await expect.poll(prompt).toContain(made[1]!.prompt)
    await shot(page, 'gallery-preview-phone')
    await closeAll(context)
  })

  it('does not move while its scripts and styles arrive over a slow link (no layout shift)', async () => {
    // Styles that came with a script after the first paint (Element Plus's field styles did, once
    // the preview dialog was loaded on demand) showed as the filters and everything below jumping.
    const context = await web.browser.newContext({ viewport: PHONE })
    try {
      await context.addCookies([{ name: 'auth.token', value: owner.token, url: web.server.url }])
      const page = await context.newPage()
      await page.addInitScript(() => {
        const shifts: { value: number, nodes: string[] }[] = []
        Object.assign(window, { shifts })
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as (PerformanceEntry & { value: number, hadRecentInput: boolean, sources?: { node?: Node }[] })[]) {
            if (!entry.hadRecentInput) shifts.push({ value: entry.value, nodes: (entry.sources ?? []).map(source => (source.node as Element | undefined)?.outerHTML?.slice(0, 80) ?? '') })
          }
        }).observe({ type: 'layout-shift', buffered: true })
      })
      const cdp = await context.newCDPSession(page)
      await cdp.send('Network.enable')
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 200_000, uploadThroughput: 100_000 })
      await page.goto(`${web.server.url}/gallery`)
      await hydrated(page)
      await expect.poll(() => page.getByTestId('gallery-grid').locator('img').count()).toBe(made.length)
      await page.waitForTimeout(500)
      expect(await page.evaluate(() => (window as unknown as { shifts: unknown[] }).shifts)).toEqual([])
    }
    finally {
      await closeAll(context)
    }
  })

  it('asks for its first picture from the head, before its scripts, and shows that one first', async () => {
    // On a slow link the scripts held the connections when the tiles came, and the first picture, the
    // page's largest paint, waited for them.
    const context = await web.browser.newContext()
    await context.addCookies([{ name: 'auth.token', value: owner.token, url: web.server.url }])
    const page = await context.newPage()
    const requested: string[] = []
    page.on('request', request => requested.push(new URL(request.url()).pathname))
    const html = await (await page.goto(`${web.server.url}/gallery`))!.text()
    await hydrated(page)
    const head = html.slice(0, html.indexOf('</head>'))
    const preloads = [...head.matchAll(/<link\b[^>]*\brel="preload"[^>]*>/g)].filter(([tag]) => tag.includes('as="image"'))
    expect(preloads).toHaveLength(1)
    const [tag] = preloads[0]!
    expect(tag).toContain(`href="${made[0]!.thumbnailUrl}"`)
    expect(tag).toContain('fetchpriority="high"')
    expect(preloads[0]!.index).toBeLessThan(head.indexOf('rel="modulepreload"'))
    expect(await tiles(page).first().locator('img').getAttribute('src')).toBe(made[0]!.thumbnailUrl)
    // The tile took the preloaded picture: it was asked for once.
    await page.waitForLoadState('networkidle')
    expect(requested.filter(path => path === made[0]!.thumbnailUrl)).toHaveLength(1)
    await closeAll(context)
  })

  it('keeps a grid that is still arriving out of sight, so that its rows are not drawn and then grown', async () => {
    // A row's tiles grow to fill it, so while the rest of the page was still being read the first row was
    // drawn with smaller tiles, which then grew and pushed the rows below: a layout shift of 0.10-0.16.
    const { context, page, html } = await gallerySource()
    expect(await visibility(page.getByTestId('gallery-grid'))).toBe('visible')

    // The page as the browser has it while reading the grid's second tile.
    const inGrid = html.indexOf('data-testid="gallery-grid"')
    const secondTile = html.indexOf('<li', html.indexOf('<li', inGrid) + 1)
    expect(secondTile).toBeGreaterThan(inGrid)
    const reading = await whileReading(context, html.slice(0, secondTile + 200))
    expect(await reading.getByTestId('gallery-grid').locator('li').count()).toBe(2)
    expect(await visibility(reading.getByTestId('gallery-grid'))).toBe('hidden')
    // The rest of the page is drawn meanwhile.
    expect(await reading.getByRole('heading', { level: 1 }).isVisible()).toBe(true)
    await closeAll(context)
  })

  it('keeps a header that is still arriving out of sight, so that its links do not move', async () => {
    // The header's items wrap: half-read, the navigation fitted beside the name, then moved to a row of
    // its own as the credits and preferences arrived.
    const { context, page, html } = await gallerySource()
    expect(await visibility(page.locator('header'))).toBe('visible')

    const reading = await whileReading(context, html.slice(0, html.indexOf('</nav>') + 6))
    expect(await reading.getByTestId('nav-studio').count()).toBe(1)
    expect(await visibility(reading.locator('header'))).toBe('hidden')
    await closeAll(context)
  })

  it('fetches another page\'s code only once its link is pointed at, not while the page itself starts', async () => {
    // The header links to three pages: loading and running their code as soon as the links were on
    // screen competed with the page's own start.
    const context = await web.browser.newContext()
    await context.addCookies([{ name: 'auth.token', value: owner.token, url: web.server.url }])
    const page = await context.newPage()
    const scripts = appScripts(page)
    const fetched = async (text: string) => (await scripts()).some(script => script.text.includes(text))
    await page.goto(`${web.server.url}/gallery`)
    await hydrated(page)
    await page.waitForLoadState('networkidle')
    expect(await fetched('studio-notice')).toBe(false)

    await page.getByTestId('nav-studio').hover()
    await expect.poll(() => fetched('studio-notice')).toBe(true)
    expect(new URL(page.url()).pathname).toBe('/gallery')
    await closeAll(context)
  })

  it.each([
    ['/gallery', 'gallery-grid'],
    ['/studio', 'studio-notice'],
    ['/account', 'account-credits'],
  ])('names the code of %s in its HTML, so it arrives with the entry rather than after it', async (path, marker) => {
    // The gallery's preview dialog once imported the favourite button from the page's chunk; the
    // chunk then had no name the server could find, and the page's code came only once the entry ran.
    const context = await web.browser.newContext()
    await context.addCookies([{ name: 'auth.token', value: owner.token, url: web.server.url }])
    const page = await context.newPage()
    const scripts = appScripts(page)
    const html = await (await page.goto(`${web.server.url}${path}`))!.text()
    await hydrated(page)
    await page.waitForLoadState('networkidle')
    const own = (await scripts()).filter(script => script.text.includes(`"${marker}"`))
    expect(own.length).toBeGreaterThan(0)
    for (const script of own) expect(html).toContain(`href="${script.path}"`)
    await closeAll(context)
  })

  it('shows placeholder tiles while the pictures load, on the page at once', async () => {
    const { context, page } = await ownerPage({ path: '/account' })
    const pictures = await holdRequests(page, url => url.pathname === '/api/gallery')
    await page.getByTestId('nav-gallery').click()
    await page.waitForURL(url => url.pathname === '/gallery')
    const skeleton = page.getByTestId('gallery-skeleton')
    await skeleton.waitFor()
    expect(await skeleton.getAttribute('aria-busy')).toBe('true')
    expect(await skeleton.locator('li').count()).toBeGreaterThan(0)
    expect(await page.locator('main h1').textContent()).toBe('画廊')
    await screenshot(page, 'gallery-loading')
    expect(pictures.held.length).toBeGreaterThan(0)
    pictures.release()
    await tiles(page).first().waitFor()
    expect(await skeleton.count()).toBe(0)
    await closeAll(context)
  })

  it('shows a progress bar while the next page is on its way, the old page staying until it is ready', async () => {
    // The admin page is reached from the user menu, so its code is never fetched ahead of the click.
    const context = await web.browser.newContext()
    const login = await client(web.server)<{ token: string }>('/api/login', { method: 'POST', body: ADMIN })
    await context.addCookies([{ name: 'auth.token', value: login.token, url: web.server.url }])
    const page = await context.newPage()
    await page.goto(`${web.server.url}/gallery`)
    await page.waitForLoadState('networkidle')
    const bar = page.locator('.nuxt-loading-indicator')
    expect(await bar.evaluate(el => getComputedStyle(el).opacity)).toBe('0')

    const code = await holdRequests(page, url => url.pathname.startsWith('/_nuxt/') && url.pathname.endsWith('.js'))
    await page.getByTestId('user-menu').click()
    await page.getByTestId('menu-admin').click()
    await expect.poll(() => code.held.length).toBeGreaterThan(0)
    await expect.poll(() => bar.evaluate(el => getComputedStyle(el).opacity)).toBe('1')
    expect(new URL(page.url()).pathname).toBe('/gallery')
    expect(await page.getByTestId('gallery-empty').isVisible()).toBe(true)
    code.release()
    await page.getByTestId('admin-page').waitFor()
    expect(new URL(page.url()).pathname).toBe('/admin')
    await expect.poll(() => bar.evaluate(el => getComputedStyle(el).opacity)).toBe('0')
    await closeAll(context)
  })
})
