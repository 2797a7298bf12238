import { mountSuspended } from '@nuxt/test-utils/runtime'
import { describe, expect, it } from 'vitest'
import GenerateBar from '~/components/studio/GenerateBar.vue'

describe('studio generate bar', () => {
  it('shows the cost on the button and the shortcut below it, and asks for a generation on click', async () => {
    const wrapper = await mountSuspended(GenerateBar, { props: { cost: 2, credits: 3, blocked: null } })
    const button = wrapper.get('[data-testid="generate"]')
    expect(button.text()).toBe('生成（消耗 2 积分）')
    expect(button.attributes('disabled')).toBeUndefined()
    expect(wrapper.get('[data-testid="generate-reason"]').text()).toBe('按 Ctrl + Enter 快速生成')
    expect(wrapper.find('[data-testid="credits-short"]').exists()).toBe(false)
    await button.trigger('click')
    expect(wrapper.emitted('generate')).toHaveLength(1)
  })

  it('says why it cannot generate, and for too few credits points to redeeming a code', async () => {
    const wrapper = await mountSuspended(GenerateBar, { props: { cost: 2, credits: 1, blocked: 'credits' } })
    expect(wrapper.get('[data-testid="generate"]').attributes('disabled')).toBeDefined()
    expect(wrapper.get('[data-testid="generate-reason"]').text()).toBe('积分不足：此模型每张需要 2 积分，你目前有 1 积分。')
    const short = wrapper.get('[data-testid="credits-short"]')
    expect(short.text()).toContain('积分不足')
    expect(short.get('a').attributes('href')).toBe('/account#nb-redeem')

    await wrapper.setProps({ blocked: 'prompt' })
    expect(wrapper.get('[data-testid="generate-reason"]').text()).toBe('请先输入提示词。')
    expect(wrapper.find('[data-testid="credits-short"]').exists()).toBe(false)
    await wrapper.setProps({ blocked: 'images' })
    expect(wrapper.get('[data-testid="generate-reason"]').text()).toBe('请至少添加一张参考图片。')
  })

  it('spins and takes no second click while a generation runs', async () => {
    const wrapper = await mountSuspended(GenerateBar, { props: { cost: 1, credits: 3, blocked: null, busy: true } })
    const button = wrapper.get('[data-testid="generate"]')
    expect(button.text()).toBe('生成中…')
    expect(button.attributes('disabled')).toBeDefined()
    expect(button.classes()).toContain('is-loading')
  })
})
