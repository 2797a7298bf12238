import { mountSuspended } from '@nuxt/test-utils/runtime'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import RecentFeed from '~/components/studio/RecentFeed.vue'
import { useGenerationStore } from '~/stores/generation'
import { useStudioStore } from '~/stores/studio'
import { creation } from '../../../support/nuxt'

describe('studio recent feed', () => {
  beforeEach(() => {
    useGenerationStore().reset()
    useStudioStore().reset()
  })

  it('shows placeholder tiles while the recent pictures load, and nothing once there are none', async () => {
    const wrapper = await mountSuspended(RecentFeed)
    expect(wrapper.findAll('[data-testid="feed-skeleton"]').length).toBeGreaterThan(0)
    expect(wrapper.get('section').attributes('aria-busy')).toBe('true')
    useGenerationStore().recentLoaded = true
    await nextTick()
    expect(wrapper.find('[data-testid="feed"]').exists()).toBe(false)
  })

  it('lists the recent pictures newest first, each with its settings to reuse, a way in as a reference, and a named download', async () => {
    const generation = useGenerationStore()
    const studio = useStudioStore()
    generation.recent = [creation(32, { prompt: 'Red fox in snow, at dawn', size: '16:9', imageUrl: '/images/abc.png' }), creation(31)]
    generation.recentLoaded = true
    const wrapper = await mountSuspended(RecentFeed)
    const items = wrapper.findAll('[data-testid="feed-item"]')
    expect(items.map(i => i.get('img').attributes('alt'))).toEqual(['Red fox in snow, at dawn', 'picture 31'])
    expect(items[0]!.get('[data-testid="feed-download"]').attributes('download')).toBe('red-fox-in-snow-at-dawn-32.png')

    await items[0]!.get('[data-testid="feed-reuse"]').trigger('click')
    expect(studio.prompt).toBe('Red fox in snow, at dawn')
    expect(studio.size).toBe('16:9')

    const addAsInput = vi.spyOn(studio, 'addAsInput').mockResolvedValue(true)
    await items[1]!.get('[data-testid="feed-reference"]').trigger('click')
    expect(addAsInput).toHaveBeenCalledWith(expect.objectContaining({ id: 31 }))
    addAsInput.mockRestore()
  })
})
