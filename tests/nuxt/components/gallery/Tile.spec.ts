import { mountSuspended, registerEndpoint } from '@nuxt/test-utils/runtime'
import { readBody } from 'h3'
import { describe, expect, it } from 'vitest'
import Tile from '~/components/gallery/Tile.vue'
import { useGalleryStore } from '~/stores/gallery'
import { creation } from '../../../support/nuxt'

const patched: unknown[] = []
registerEndpoint('/api/gallery/5', {
  method: 'PATCH',
  handler: async (event) => {
    const body = await readBody<{ favorite: boolean }>(event)
    patched.push(body)
    return creation(5, { prompt: 'Red fox in snow', favorite: body.favorite })
  },
})

describe('gallery tile', () => {
  it('opens the preview, and carries the prompt, a favourite toggle and a download named after the prompt', async () => {
    const gallery = useGalleryStore()
    gallery.items = [creation(5, { prompt: 'Red fox in snow', width: 1024, height: 768 })]
    const wrapper = await mountSuspended(Tile, { props: { creation: gallery.items[0]! } })

    const open = wrapper.get('[data-testid="gallery-item"]')
    expect(open.attributes('aria-label')).toBe('查看作品：Red fox in snow')
    expect(open.attributes('style')).toContain('aspect-ratio: 1024 / 768')
    await open.trigger('click')
    expect(wrapper.emitted('open')).toEqual([[]])

    const overlay = wrapper.get('[data-testid="tile-overlay"]')
    expect(overlay.text()).toContain('Red fox in snow')
    const download = overlay.get('[data-testid="tile-download"]')
    expect(download.attributes('download')).toBe('red-fox-in-snow-5.png')
    expect(download.attributes('aria-label')).toBe('下载：Red fox in snow')
    // Every action is a real control the keyboard reaches: a link and a button, in the tile.
    expect(download.element.tagName).toBe('A')

    const heart = overlay.get('[data-testid="favorite-toggle"]')
    expect(heart.element.tagName).toBe('BUTTON')
    expect(heart.attributes('aria-pressed')).toBe('false')
    expect(wrapper.classes()).not.toContain('is-favorite')
    await heart.trigger('click')
    await expect.poll(() => wrapper.find('[data-testid="favorite-toggle"]').attributes('aria-pressed')).toBe('true')
    expect(patched).toEqual([{ favorite: true }])
    expect(gallery.items[0]!.favorite).toBe(true)
    expect(wrapper.classes()).toContain('is-favorite')
    // The heart's click is its own: it does not open the preview as well.
    expect(wrapper.emitted('open')).toHaveLength(1)
    // And it says so, in a toast whose code is loaded on first use (the test ends once it has come).
    await expect.poll(() => document.querySelector('.el-message')?.textContent ?? '').toContain('已加入收藏')
  })

  it('loads its thumbnail lazily, unless it is among the first on the page', async () => {
    const picture = creation(6, { prompt: 'Lighthouse at dusk' })
    const lazy = await mountSuspended(Tile, { props: { creation: picture } })
    expect(lazy.get('img').attributes('loading')).toBe('lazy')
    const eager = await mountSuspended(Tile, { props: { creation: picture, eager: true } })
    expect(eager.get('img').attributes('loading')).toBe('eager')
  })
})
