import { mountSuspended } from '@nuxt/test-utils/runtime'
import { beforeEach, describe, expect, it } from 'vitest'
import ResultPanel from '~/components/studio/ResultPanel.vue'
import { type GenerationRun, useGenerationStore } from '~/stores/generation'
import { useStudioStore } from '~/stores/studio'
import { useUserStore } from '~/stores/user'
import { creation, user } from '../../../support/nuxt'

function run(fields: Partial<GenerationRun> & Pick<GenerationRun, 'id' | 'status'>): GenerationRun {
  return { jobId: fields.id, input: { kind: 'text-to-image', prompt: 'p', model: 'nano-banana', size: '16:9', n: 1 }, startedAt: Date.now(), finishedAt: null, creations: [], failed: [], error: null, refunded: 0, ...fields }
}

describe('studio result panel', () => {
  beforeEach(() => {
    useGenerationStore().reset()
    useStudioStore().reset()
    useUserStore().user = user({ credits: 3 })
  })

  it('is empty before the first generation', async () => {
    const wrapper = await mountSuspended(ResultPanel)
    expect(wrapper.text()).toContain('作品会显示在这里')
    expect(wrapper.find('[data-testid="result"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="studio-error"]').exists()).toBe(false)
  })

  it('shows each generation still going, in its ratio with its own clock and state, instead of the last picture', async () => {
    const generation = useGenerationStore()
    generation.runs = [
      run({ id: 3, status: 'queued', startedAt: Date.now() - 1500 }),
      run({ id: 2, status: 'running', startedAt: Date.now() - 12_000 }),
      run({ id: 1, status: 'succeeded', creations: [creation(1)], finishedAt: Date.now() }),
    ]
    const wrapper = await mountSuspended(ResultPanel)
    const placeholders = wrapper.findAll('[data-testid="generating"]')
    expect(placeholders).toHaveLength(2)
    expect(placeholders[0]!.text()).toMatch(/已用时 1\.[5-9] 秒/)
    expect(placeholders[0]!.text()).toContain('排队中')
    expect(placeholders[1]!.text()).toMatch(/已用时 12\.\d 秒/)
    expect(placeholders[1]!.text()).toContain('正在绘制 16:9 的图片')
    expect(placeholders[1]!.attributes('style')).toContain(`aspect-ratio: ${16 / 9}`)
    expect(placeholders[1]!.attributes('data-job-id')).toBe('2')
    expect(wrapper.find('[data-testid="result"]').exists()).toBe(false)
    expect(wrapper.get('section').attributes('aria-busy')).toBe('true')
  })

  it('shows a batch on its way picture by picture', async () => {
    useGenerationStore().runs = [run({ id: 4, status: 'running', input: { kind: 'text-to-image', prompt: 'p', model: 'nano-banana', size: '1:1', n: 3 }, creations: [creation(8)] })]
    const wrapper = await mountSuspended(ResultPanel)
    expect(wrapper.get('[data-testid="generating"]').text()).toContain('已完成 1 / 3 张')
    expect(wrapper.findAll('[data-testid="progress-image"]')).toHaveLength(1)
  })

  it('shows the picture with its prompt, a download named after the prompt, and the actions', async () => {
    useGenerationStore().runs = [run({ id: 1, status: 'succeeded', creations: [creation(7, { prompt: 'A red fox, in snow!', imageUrl: '/images/x7.webp' })], finishedAt: Date.now() })]
    const wrapper = await mountSuspended(ResultPanel)
    const image = wrapper.get('[data-testid="result-image"]')
    expect(image.attributes('src')).toBe('/images/x7.webp')
    expect(image.attributes('alt')).toBe('A red fox, in snow!')
    expect(wrapper.get('[data-testid="download"]').attributes('download')).toBe('a-red-fox-in-snow-7.webp')
    for (const action of ['copy-prompt', 'use-as-input', 'generate-again']) expect(wrapper.find(`[data-testid="${action}"]`).exists()).toBe(true)
  })

  it('shows every picture of a batch, and the failed ones with the credits given back', async () => {
    useGenerationStore().runs = [run({
      id: 1,
      status: 'succeeded',
      input: { kind: 'text-to-image', prompt: 'p', model: 'nano-banana', size: '1:1', n: 3 },
      creations: [creation(7), creation(8)],
      failed: [{ code: 'UPSTREAM_ERROR', message: '图片服务暂时出错' }],
      refunded: 1,
      finishedAt: Date.now(),
    })]
    const wrapper = await mountSuspended(ResultPanel)
    expect(wrapper.findAll('[data-testid="result-image"]')).toHaveLength(2)
    const failed = wrapper.get('[data-testid="batch-failed"]')
    expect(failed.text()).toContain('1 / 3 张未能生成')
    expect(failed.text()).toContain('图片服务暂时出错')
    expect(wrapper.get('[data-testid="refund"]').text()).toBe('已退回 1 积分，当前余额 3 积分。')
  })

  it('shows a failed job\'s error, what the model said and the refund above the last picture, until it is closed', async () => {
    const generation = useGenerationStore()
    generation.runs = [
      run({ id: 2, status: 'failed', error: { code: 'CONTENT_REJECTED', message: '模型拒绝了这个请求', detail: 'I will not draw that.' }, refunded: 2, finishedAt: Date.now() }),
      run({ id: 1, status: 'succeeded', creations: [creation(1)], finishedAt: Date.now() }),
    ]
    const wrapper = await mountSuspended(ResultPanel)
    const error = wrapper.get('[data-testid="studio-error"]')
    expect(error.text()).toContain('模型拒绝了这个请求')
    expect(error.text()).toContain('模型的回复：I will not draw that.')
    expect(error.get('[data-testid="refund"]').text()).toBe('已退回 2 积分，当前余额 3 积分。')
    expect(wrapper.find('[data-testid="result"]').exists()).toBe(true)
    await wrapper.get('[data-testid="studio-error"] .el-alert__close-btn').trigger('click')
    expect(wrapper.find('[data-testid="studio-error"]').exists()).toBe(false)
    expect(generation.runs.map(r => r.id)).toEqual([1])
  })
})
