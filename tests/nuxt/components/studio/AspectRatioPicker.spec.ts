import { mountSuspended } from '@nuxt/test-utils/runtime'
import { describe, expect, it } from 'vitest'
import AspectRatioPicker from '~/components/studio/AspectRatioPicker.vue'

describe('studio aspect ratio picker', () => {
  it('offers exactly the ratios it is given, and no match without a reference', async () => {
    const wrapper = await mountSuspended(AspectRatioPicker, { props: { modelValue: '1:1', sizes: ['1:1', '4:3', '21:9'] } })
    expect(wrapper.findAll('label.el-radio-button').map(l => l.attributes('data-testid'))).toEqual(['size-1:1', 'size-4:3', 'size-21:9'])
    expect(wrapper.find('[data-testid="match-reference"]').exists()).toBe(false)
  })

  it('offers the ratio matching the reference in one click, pressed while it is the one chosen', async () => {
    const wrapper = await mountSuspended(AspectRatioPicker, { props: { 'modelValue': '1:1', 'sizes': ['1:1', '4:3'], 'matched': '4:3', 'onUpdate:modelValue': (value: string) => wrapper.setProps({ modelValue: value }) } })
    const match = wrapper.get('[data-testid="match-reference"]')
    expect(match.text()).toBe('匹配参考图 4:3')
    expect(match.attributes('aria-pressed')).toBe('false')
    await match.trigger('click')
    expect(wrapper.emitted('update:modelValue')).toEqual([['4:3']])
    expect(wrapper.get('[data-testid="match-reference"]').attributes('aria-pressed')).toBe('true')
  })
})
