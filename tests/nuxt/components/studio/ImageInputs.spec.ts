import { MAX_INPUT_IMAGES } from '#shared/constants/catalog'
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
  it('states the limits from the shared constants and takes dropped files', async () => {
    const wrapper = await mountSuspended(ImageInputs, { props: { images: [] } })
    expect(wrapper.get('[data-testid="drop-hint"]').text()).toContain(`最多 ${MAX_INPUT_IMAGES} 张，每张不超过 10 MB`)
    expect(wrapper.get('[data-testid="image-input"]').attributes('accept')).toBe('image/png,image/jpeg,image/webp')
    const file = new File(['png'], 'dropped.png', { type: 'image/png' })
    await wrapper.get('[data-testid="dropzone"]').trigger('drop', { dataTransfer: { files: [file] } })
    expect(wrapper.emitted('add')).toEqual([[[file]]])
  })

  it('shows each image with a remove button, and closes the drop zone once the limit is reached', async () => {
    const wrapper = await mountSuspended(ImageInputs, { props: { images: selected(MAX_INPUT_IMAGES - 1) } })
    expect(wrapper.findAll('[data-testid="input-image"]')).toHaveLength(MAX_INPUT_IMAGES - 1)
    expect(wrapper.get('[data-testid="dropzone"]').attributes('disabled')).toBeUndefined()
    await wrapper.findAll('[data-testid="remove-input"]')[1]!.trigger('click')
    expect(wrapper.emitted('remove')).toEqual([['image-1']])

    await wrapper.setProps({ images: selected(MAX_INPUT_IMAGES) })
    const dropzone = wrapper.get('[data-testid="dropzone"]')
    expect(dropzone.attributes('disabled')).toBeDefined()
    expect(dropzone.text()).toContain(`已添加 ${MAX_INPUT_IMAGES} 张图片（上限）`)
  })

  it('takes nothing while disabled (a generation runs)', async () => {
    const wrapper = await mountSuspended(ImageInputs, { props: { images: selected(1), disabled: true } })
    await wrapper.get('[data-testid="dropzone"]').trigger('drop', { dataTransfer: { files: [new File(['png'], 'late.png', { type: 'image/png' })] } })
    expect(wrapper.emitted('add')).toBeUndefined()
    expect(wrapper.get('[data-testid="remove-input"]').attributes('disabled')).toBeDefined()
  })
})
