import { mountSuspended } from '@nuxt/test-utils/runtime'
import { describe, expect, it } from 'vitest'
import Filters from '~/components/gallery/Filters.vue'
import { useCatalogStore } from '~/stores/catalog'
import { NO_FILTERS, type GalleryFilters } from '~/utils/gallery'

async function mountFilters(start: GalleryFilters = { ...NO_FILTERS }) {
  const changes: GalleryFilters[] = []
  const wrapper = await mountSuspended(Filters, {
    props: { 'modelValue': start, 'onUpdate:modelValue': (value: GalleryFilters) => changes.push(value) },
  })
  return { wrapper, changes }
}

describe('gallery filters', () => {
  it('sends the search once typing pauses, trimmed, as one change', async () => {
    const { wrapper, changes } = await mountFilters()
    const input = wrapper.get('#gallery-search')
    expect(input.attributes('aria-label')).toBe('搜索提示词')
    await input.setValue('r')
    await input.setValue('red ')
    await input.setValue('red fox ')
    expect(changes).toEqual([])
    await expect.poll(() => changes.length).toBe(1)
    expect(changes[0]).toEqual({ ...NO_FILTERS, q: 'red fox' })
  })

  it('clears the search with its own button, shown only while there is something to clear', async () => {
    const { wrapper, changes } = await mountFilters({ ...NO_FILTERS, q: 'fox' })
    const clear = wrapper.get('[data-testid="gallery-search-clear"]')
    expect(clear.attributes('aria-label')).toBe('清除搜索')
    await clear.trigger('click')
    expect(wrapper.get<HTMLInputElement>('#gallery-search').element.value).toBe('')
    expect(wrapper.find('[data-testid="gallery-search-clear"]').exists()).toBe(false)
    await expect.poll(() => changes.length).toBe(1)
    expect(changes[0]).toEqual({ ...NO_FILTERS, q: '' })
  })

  it('shows the filters it is given, "all" included, and changes favourites at once', async () => {
    useCatalogStore().models = [{ id: 'nano-banana', label: 'Nano Banana', cost: 1, supportsImageInput: true, maxInputImages: 3, sizes: ['1:1'] }]
    const { wrapper, changes } = await mountFilters({ ...NO_FILTERS, q: 'fox', kind: 'image-to-image' })
    expect(wrapper.get<HTMLInputElement>('#gallery-search').element.value).toBe('fox')
    const chosen = (name: string) => {
      const select = wrapper.get<HTMLSelectElement>(`[data-testid="gallery-${name}"]`).element
      return select.selectedOptions[0]?.textContent?.trim()
    }
    expect(chosen('model')).toBe('全部模型')
    expect(chosen('kind')).toBe('图生图')
    expect(wrapper.get('[data-testid="gallery-model"]').attributes('aria-label')).toBe('模型')

    await wrapper.get('[data-testid="gallery-favorites"] input').setValue(true)
    expect(changes).toEqual([{ ...NO_FILTERS, q: 'fox', kind: 'image-to-image', favorite: true }])
  })

  it('sends a model or kind at once, and "all" as no filter', async () => {
    useCatalogStore().models = [{ id: 'nano-banana', label: 'Nano Banana', cost: 1, supportsImageInput: true, maxInputImages: 3, sizes: ['1:1'] }]
    const { wrapper, changes } = await mountFilters({ ...NO_FILTERS, kind: 'image-to-image' })
    await wrapper.get('[data-testid="gallery-model"]').setValue('nano-banana')
    await wrapper.get('[data-testid="gallery-kind"]').setValue('*')
    // The page has not passed the first change back yet (its URL changes later): the second keeps it.
    expect(changes).toEqual([{ ...NO_FILTERS, model: 'nano-banana', kind: 'image-to-image' }, { ...NO_FILTERS, model: 'nano-banana' }])
  })
})
