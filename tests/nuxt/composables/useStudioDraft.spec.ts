import { mountSuspended } from '@nuxt/test-utils/runtime'
import { beforeEach, describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick } from 'vue'
import { useStudioDraft } from '~/composables/useStudioDraft'
import { useCatalogStore } from '~/stores/catalog'
import { useStudioStore } from '~/stores/studio'
import { useUserStore } from '~/stores/user'
import { user } from '../../support/nuxt'

const studioWith = (link: Record<string, string>) => defineComponent({
  setup() {
    useStudioDraft(link)
    return () => h('div')
  },
})

describe('useStudioDraft', () => {
  beforeEach(() => {
    localStorage.clear()
    const catalog = useCatalogStore()
    catalog.models = [{ id: 'nano-banana', label: 'Nano Banana', cost: 1, supportsImageInput: true, maxInputImages: 3, sizes: ['1:1', '16:9', '9:16'] }, { id: 'nano-banana-hd', label: 'Nano Banana HD', cost: 2, supportsImageInput: true, maxInputImages: 3, sizes: ['1:1', '16:9', '9:16'] }]
    catalog.sizes = ['1:1', '16:9', '9:16']
    catalog.loaded = true
    useStudioStore().reset()
  })

  it('saves the settings per account at each change, and a new page of the same account finds them', async () => {
    useUserStore().user = user({ id: 41 })
    const first = await mountSuspended(studioWith({}))
    const studio = useStudioStore()
    Object.assign(studio, { prompt: 'a kept prompt', modelId: 'nano-banana-hd', size: '9:16', n: 3, mode: 'image-to-image' })
    await nextTick()
    expect(JSON.parse(localStorage.getItem('nb-studio-draft:41')!)).toEqual({ mode: 'image-to-image', prompt: 'a kept prompt', modelId: 'nano-banana-hd', size: '9:16', n: 3 })
    first.unmount()

    studio.reset()
    await mountSuspended(studioWith({}))
    expect(studio.draft).toEqual({ mode: 'image-to-image', prompt: 'a kept prompt', modelId: 'nano-banana-hd', size: '9:16', n: 3 })

    // Another account on the same browser starts from its own (empty) draft.
    studio.reset()
    useUserStore().user = user({ id: 42 })
    await mountSuspended(studioWith({}))
    expect(studio.prompt).toBe('')
  })

  it('lets a remix link win over the saved draft, and ignores a stored value of the wrong shape', async () => {
    useUserStore().user = user({ id: 43 })
    localStorage.setItem('nb-studio-draft:43', JSON.stringify({ prompt: 'saved', size: '9:16', n: 2 }))
    const studio = useStudioStore()
    await mountSuspended(studioWith({ prompt: 'from the link' }))
    expect(studio.draft).toMatchObject({ prompt: 'from the link', size: '9:16', n: 2 })

    studio.reset()
    localStorage.setItem('nb-studio-draft:43', JSON.stringify({ prompt: 42, n: 99 }))
    await mountSuspended(studioWith({}))
    expect(studio.draft).toMatchObject({ prompt: '', n: 1 })
  })
})
