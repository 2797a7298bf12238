import { mountSuspended } from '@nuxt/test-utils/runtime'
import { describe, expect, it } from 'vitest'
import ImageInputs from '~/components/studio/ImageInputs.vue'
import type { SelectedImage } from '~/stores/studio'

const selected = (n: number): SelectedImage[] => Array.from({ length: n }, (_, i) => ({
  id: `image-${i}`,
  file: new File(['png'], `${i}.png`, { type: 'image/png' }),
  url: `blob:${i}`,
  width: 640,
  height: 480,
}))

describe('studio image inputs', () => {
  it('states the model\'s limit and the 50 MB a photo may have, and takes chosen files', async () => {
    const wrapper = await mountSuspended(ImageInputs, { props: { images: [], max: 2 } })
    expect(wrapper.get('[data-testid="drop-hint"]').text()).toContain('最多 2 张，每张不超过 50 MB')
    const input = wrapper.get('[data-testid="image-input"]')
    expect(input.attributes('accept')).toBe('image/png,image/jpeg,image/webp')
    const file = new File(['png'], 'chosen.png', { type: 'image/png' })
    Object.defineProperty(input.element, 'files', { value: [file] })
    await input.trigger('change')
    expect(wrapper.emitted('add')).toEqual([[[file]]])
  })

  it('shows each image whole with a remove button, closes the drop zone at the limit, and marks images beyond it', async () => {
    const wrapper = await mountSuspended(ImageInputs, { props: { images: selected(2), max: 3 } })
    expect(wrapper.findAll('[data-testid="input-image"]')).toHaveLength(2)
    expect(wrapper.get('[data-testid="dropzone"]').attributes('disabled')).toBeUndefined()
    await wrapper.findAll('[data-testid="remove-input"]')[1]!.trigger('click')
    expect(wrapper.emitted('remove')).toEqual([['image-1']])

    await wrapper.setProps({ images: selected(3), max: 1 })
    const dropzone = wrapper.get('[data-testid="dropzone"]')
    expect(dropzone.attributes('disabled')).toBeDefined()
    expect(dropzone.text()).toContain('已添加 1 张图片（上限）')
    expect(wrapper.findAll('[data-testid="input-image"]').map(li => li.classes('is-extra'))).toEqual([false, true, true])
  })

  it('shows the drop zone ready while files are dragged over the studio', async () => {
    const wrapper = await mountSuspended(ImageInputs, { props: { images: [], max: 3, dragging: true } })
    expect(wrapper.get('[data-testid="dropzone"]').classes()).toContain('is-dragging')
  })
})
