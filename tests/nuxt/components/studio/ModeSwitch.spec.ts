import { GENERATION_KINDS } from '#shared/constants/catalog'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import { describe, expect, it } from 'vitest'
import ModeSwitch from '~/components/studio/ModeSwitch.vue'

describe('studio mode switch', () => {
  it('offers every generation kind, in order, under its translated name, and reports the one picked', async () => {
    const wrapper = await mountSuspended(ModeSwitch, { props: { modelValue: 'text-to-image' } })
    const buttons = wrapper.findAll('label.el-radio-button')
    expect(buttons.map(b => b.attributes('data-testid'))).toEqual(GENERATION_KINDS.map(kind => `mode-${kind}`))
    expect(buttons.map(b => b.text())).toEqual(['文生图', '图生图'])
    expect(wrapper.get('[data-testid="mode-text-to-image"] input').element).toMatchObject({ checked: true })

    await wrapper.get('[data-testid="mode-image-to-image"] input').setValue(true)
    expect(wrapper.emitted('update:modelValue')).toEqual([['image-to-image']])
  })

  it('cannot be changed while disabled (a generation runs)', async () => {
    const wrapper = await mountSuspended(ModeSwitch, { props: { modelValue: 'text-to-image', disabled: true } })
    expect(wrapper.findAll('input').map(i => i.attributes('disabled'))).toEqual(['', ''])
  })
})
