import { mountSuspended } from '@nuxt/test-utils/runtime'
import { afterEach, describe, expect, it, vi } from 'vitest'
import GenerateBar from '~/components/studio/GenerateBar.vue'

/** A screen that answers the touch query (`hover: none`, `pointer: coarse`) as told. */
function screen(touch: boolean) {
  vi.spyOn(window, 'matchMedia').mockImplementation(query => ({
    matches: touch && /hover: none|pointer: coarse/.test(query),
    media: query,
    onchange: null,
    addListener: () => undefined,
    removeListener: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    dispatchEvent: () => false,
  }))
}

describe('studio generate bar', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('shows the pictures and their whole cost on the button, the shortcut below it, and asks for a generation on click', async () => {
    screen(false)
    const wrapper = await mountSuspended(GenerateBar, { props: { cost: 2, n: 4, credits: 9, blocked: null } })
    const button = wrapper.get('[data-testid="generate"]')
    expect(button.text()).toBe('生成 4 张 · 8 积分')
    expect(button.attributes('disabled')).toBeUndefined()
    expect(wrapper.get('[data-testid="generate-reason"]').text()).toBe('按 Ctrl + Enter 快速生成')
    expect(wrapper.find('[data-testid="credits-short"]').exists()).toBe(false)
    await button.trigger('click')
    expect(wrapper.emitted('generate')).toHaveLength(1)
  })

  it('names no keyboard shortcut on a touch screen', async () => {
    screen(true)
    const wrapper = await mountSuspended(GenerateBar, { props: { cost: 1, n: 1, credits: 3, blocked: null } })
    expect(wrapper.get('[data-testid="generate"]').text()).toBe('生成 1 张 · 1 积分')
    expect(wrapper.get('[data-testid="generate-reason"]').text()).toBe('')
  })

  it('says why it cannot generate, and for too few credits (one picture or the batch) points to redeeming a code', async () => {
    screen(false)
    const wrapper = await mountSuspended(GenerateBar, { props: { cost: 2, n: 1, credits: 1, blocked: 'credits' } })
    expect(wrapper.get('[data-testid="generate"]').attributes('disabled')).toBeDefined()
    expect(wrapper.get('[data-testid="generate-reason"]').text()).toBe('积分不足：此模型每张需要 2 积分，你目前有 1 积分。')
    const short = wrapper.get('[data-testid="credits-short"]')
    expect(short.text()).toContain('积分不足')
    expect(short.get('a').attributes('href')).toBe('/account#nb-redeem')

    await wrapper.setProps({ n: 3, credits: 5, blocked: 'batchCredits' })
    expect(wrapper.get('[data-testid="generate-reason"]').text()).toBe('积分不足：生成 3 张需要 6 积分，你目前有 5 积分。可以减少张数。')
    expect(wrapper.find('[data-testid="credits-short"]').exists()).toBe(true)
    await wrapper.setProps({ blocked: 'prompt' })
    expect(wrapper.get('[data-testid="generate-reason"]').text()).toBe('请先输入提示词。')
    expect(wrapper.find('[data-testid="credits-short"]').exists()).toBe(false)
    await wrapper.setProps({ blocked: 'images' })
    expect(wrapper.get('[data-testid="generate-reason"]').text()).toBe('请至少添加一张参考图片。')
    await wrapper.setProps({ blocked: 'tooManyImages' })
    expect(wrapper.get('[data-testid="generate-reason"]').text()).toContain('所选模型接受的参考图片更少')
  })

  it('spins and takes no second click while the request is on its way', async () => {
    const wrapper = await mountSuspended(GenerateBar, { props: { cost: 1, n: 1, credits: 3, blocked: null, sending: true } })
    const button = wrapper.get('[data-testid="generate"]')
    expect(button.text()).toBe('正在提交…')
    expect(button.attributes('disabled')).toBeDefined()
    expect(button.classes()).toContain('is-loading')
  })
})
