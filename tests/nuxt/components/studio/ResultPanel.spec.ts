import { mountSuspended } from '@nuxt/test-utils/runtime'
import { beforeEach, describe, expect, it } from 'vitest'
import ResultPanel from '~/components/studio/ResultPanel.vue'
import { ApiRequestError } from '~/composables/useApi'
import { useGenerationStore } from '~/stores/generation'
import { useStudioStore } from '~/stores/studio'
import { creation } from '../../../support/nuxt'

type Run = ReturnType<typeof useGenerationStore>['runs'][number]

function run(fields: Partial<Run> & Pick<Run, 'id' | 'status'>): Run {
  return { input: { kind: 'text-to-image', prompt: 'p', model: 'nano-banana', size: '16:9', images: [] }, startedAt: Date.now(), finishedAt: null, creation: null, error: null, ...fields }
}

describe('studio result panel', () => {
  beforeEach(() => {
    useGenerationStore().reset()
    useStudioStore().reset()
  })

  it('is empty before the first generation', async () => {
    const wrapper = await mountSuspended(ResultPanel)
    expect(wrapper.text()).toContain('作品会显示在这里')
    expect(wrapper.find('[data-testid="result"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="studio-error"]').exists()).toBe(false)
  })

  it('shows a running generation in its ratio with its clock, instead of the last picture', async () => {
    const generation = useGenerationStore()
    generation.runs = [run({ id: 2, status: 'running', startedAt: Date.now() - 1500 }), run({ id: 1, status: 'succeeded', creation: creation(1), finishedAt: Date.now() })]
    const wrapper = await mountSuspended(ResultPanel)
    const placeholder = wrapper.get('[data-testid="generating"]')
    expect(placeholder.text()).toMatch(/已用时 1\.[5-9] 秒/)
    expect(placeholder.text()).toContain('正在绘制 16:9 的图片')
    expect(placeholder.attributes('style')).toContain(`aspect-ratio: ${16 / 9}`)
    expect(wrapper.find('[data-testid="result"]').exists()).toBe(false)
    expect(wrapper.get('section').attributes('aria-busy')).toBe('true')
  })

  it('shows the picture with its prompt, a download named after it and the actions', async () => {
    useGenerationStore().runs = [run({ id: 1, status: 'succeeded', creation: creation(7, { prompt: 'a red fox', imageUrl: '/images/x7.webp' }), finishedAt: Date.now() })]
    const wrapper = await mountSuspended(ResultPanel)
    const image = wrapper.get('[data-testid="result-image"]')
    expect(image.attributes('src')).toBe('/images/x7.webp')
    expect(image.attributes('alt')).toBe('a red fox')
    expect(wrapper.get('[data-testid="download"]').attributes('download')).toBe('nano-banana-7.webp')
    for (const action of ['copy-prompt', 'use-as-input', 'generate-again']) expect(wrapper.find(`[data-testid="${action}"]`).exists()).toBe(true)
  })

  it('shows a failed try\'s error above the last picture, until it is closed', async () => {
    const generation = useGenerationStore()
    generation.runs = [
      run({ id: 2, status: 'failed', error: new ApiRequestError('UPSTREAM_TIMEOUT', '图片服务响应超时', 504), finishedAt: Date.now() }),
      run({ id: 1, status: 'succeeded', creation: creation(1), finishedAt: Date.now() }),
    ]
    const wrapper = await mountSuspended(ResultPanel)
    expect(wrapper.get('[data-testid="studio-error"]').text()).toContain('图片服务响应超时')
    expect(wrapper.find('[data-testid="result"]').exists()).toBe(true)
    await wrapper.get('[data-testid="studio-error"] .el-alert__close-btn').trigger('click')
    expect(wrapper.find('[data-testid="studio-error"]').exists()).toBe(false)
    expect(generation.runs.map(r => r.id)).toEqual([1])
  })
})
