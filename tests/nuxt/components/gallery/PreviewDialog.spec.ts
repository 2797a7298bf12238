import type { Creation, Page } from '#shared/types/api'
import { mountSuspended, registerEndpoint } from '@nuxt/test-utils/runtime'
import { getQuery } from 'h3'
import { beforeEach, describe, expect, it } from 'vitest'
import PreviewDialog from '~/components/gallery/PreviewDialog.vue'
import { useGalleryStore } from '~/stores/gallery'
import { creation } from '../../../support/nuxt'

// The second page of the gallery: what "next" brings in at the end of the first.
registerEndpoint('/api/gallery', (event): Page<Creation> => {
  expect(getQuery(event)).toEqual({ limit: '24', cursor: '3' })
  return { items: [creation(2), creation(1)], nextCursor: null }
})

async function open(id: number) {
  const wrapper = await mountSuspended(PreviewDialog, {
    props: { 'modelValue': id, 'onUpdate:modelValue': (value: number | null) => wrapper.setProps({ modelValue: value }) },
    global: { stubs: { teleport: true } },
    attachTo: document.body,
  })
  return wrapper
}

type Wrapper = Awaited<ReturnType<typeof open>>
const shown = (wrapper: Wrapper) => wrapper.find('[data-testid="preview-image"]').attributes('src')
const disabled = (wrapper: Wrapper, testid: string) => wrapper.get(`[data-testid="${testid}"]`).attributes('disabled') !== undefined

function swipe(element: Element, fromX: number, toX: number, dy = 0) {
  const touch = (x: number, y: number) => new Touch({ identifier: 1, target: element, clientX: x, clientY: y })
  element.dispatchEvent(new TouchEvent('touchstart', { touches: [touch(fromX, 200)], changedTouches: [touch(fromX, 200)] }))
  element.dispatchEvent(new TouchEvent('touchend', { touches: [], changedTouches: [touch(toX, 200 + dy)] }))
}

describe('gallery preview', () => {
  beforeEach(() => {
    const gallery = useGalleryStore()
    gallery.reset()
    gallery.items = [creation(5), creation(4), creation(3)]
    gallery.loaded = true
  })

  it('steps through the gallery with its buttons, and cannot step before the first picture', async () => {
    const wrapper = await open(5)
    expect(shown(wrapper)).toBe(creation(5).imageUrl)
    expect(disabled(wrapper, 'preview-previous')).toBe(true)
    expect(wrapper.get('[data-testid="preview-previous"]').attributes('aria-label')).toBe('上一张')
    await wrapper.get('[data-testid="preview-next"]').trigger('click')
    await expect.poll(() => shown(wrapper)).toBe(creation(4).imageUrl)
    expect(disabled(wrapper, 'preview-previous')).toBe(false)
    await wrapper.get('[data-testid="preview-previous"]').trigger('click')
    await expect.poll(() => shown(wrapper)).toBe(creation(5).imageUrl)
    wrapper.unmount()
  })

  it('follows the arrow keys, except while typing in a field', async () => {
    const wrapper = await open(4)
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight' }))
    await expect.poll(() => shown(wrapper)).toBe(creation(3).imageUrl)
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft' }))
    await expect.poll(() => shown(wrapper)).toBe(creation(4).imageUrl)
    const field = document.createElement('input')
    document.body.append(field)
    field.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }))
    await wrapper.vm.$nextTick()
    expect(shown(wrapper)).toBe(creation(4).imageUrl)
    field.remove()
    wrapper.unmount()
  })

  it('follows a sideways swipe on the picture, not a vertical one', async () => {
    const wrapper = await open(4)
    // The finger lands on the picture's area as it is on screen: with the teleport stubbed and a slot
    // in the dialog, this mount renders the dialog's content anew on each step.
    const area = () => wrapper.get('[data-testid="preview-image-area"]').element
    swipe(area(), 300, 120)
    await expect.poll(() => shown(wrapper)).toBe(creation(3).imageUrl)
    swipe(area(), 100, 260)
    await expect.poll(() => shown(wrapper)).toBe(creation(4).imageUrl)
    swipe(area(), 300, 220, 200)
    swipe(area(), 300, 280)
    await wrapper.vm.$nextTick()
    expect(shown(wrapper)).toBe(creation(4).imageUrl)
    wrapper.unmount()
  })

  it('brings in the next page at the end of what is loaded, then stops at the last picture', async () => {
    const gallery = useGalleryStore()
    gallery.cursor = '3'
    const wrapper = await open(3)
    expect(disabled(wrapper, 'preview-next')).toBe(false)
    await wrapper.get('[data-testid="preview-next"]').trigger('click')
    await expect.poll(() => shown(wrapper)).toBe(creation(2).imageUrl)
    expect(gallery.items.map(c => c.id)).toEqual([5, 4, 3, 2, 1])
    await wrapper.get('[data-testid="preview-next"]').trigger('click')
    await expect.poll(() => shown(wrapper)).toBe(creation(1).imageUrl)
    expect(disabled(wrapper, 'preview-next')).toBe(true)
    expect(wrapper.get('[data-testid="preview-download"]').attributes('download')).toBe('picture-1-1.png')
    wrapper.unmount()
  })
})
