import { mountSuspended } from '@nuxt/test-utils/runtime'
import { describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick, ref } from 'vue'
import { useImageDrop } from '~/composables/useImageDrop'

/** A page with a studio area (the drop target) and a header outside it. */
const taken: File[][] = []
const Page = defineComponent({
  setup() {
    const area = ref<HTMLElement>()
    const { dragging } = useImageDrop(area, files => taken.push(files))
    return () => h('div', [h('header', { 'data-testid': 'outside' }, 'header'), h('main', { 'ref': area, 'data-testid': 'area', 'class': { dragging: dragging.value } }, [h('p', { 'data-testid': 'inside' }, 'studio')])])
  },
})

function drag(type: 'dragover' | 'drop', target: Element, files: File[]) {
  const data = new DataTransfer()
  for (const file of files) data.items.add(file)
  const event = new DragEvent(type, { bubbles: true, cancelable: true })
  // happy-dom's DragEvent leaves out the dataTransfer it is given.
  Object.defineProperty(event, 'dataTransfer', { value: data })
  target.dispatchEvent(event)
  return event
}

describe('useImageDrop', () => {
  it('takes files dropped anywhere in its area, and stops the browser opening files dropped anywhere else', async () => {
    const wrapper = await mountSuspended(Page, { attachTo: document.body })
    const photo = new File(['png'], 'photo.png', { type: 'image/png' })

    const over = drag('dragover', wrapper.get('[data-testid="inside"]').element, [photo])
    expect(over.defaultPrevented).toBe(true)
    await nextTick()
    expect(wrapper.get('[data-testid="area"]').classes()).toContain('dragging')

    const outside = drag('drop', wrapper.get('[data-testid="outside"]').element, [photo])
    expect(outside.defaultPrevented).toBe(true)
    expect(taken).toEqual([])

    const inside = drag('drop', wrapper.get('[data-testid="inside"]').element, [photo])
    expect(inside.defaultPrevented).toBe(true)
    expect(taken).toEqual([[photo]])
    await nextTick()
    expect(wrapper.get('[data-testid="area"]').classes()).not.toContain('dragging')

    // A drag of text, not files, is the page's own business.
    const text = drag('drop', wrapper.get('[data-testid="outside"]').element, [])
    expect(text.defaultPrevented).toBe(false)
    wrapper.unmount()
  })
})
