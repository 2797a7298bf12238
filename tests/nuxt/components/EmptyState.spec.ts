import { Picture } from '@element-plus/icons-vue'
import { mountSuspended } from '@nuxt/test-utils/runtime'
import { describe, expect, it } from 'vitest'
import { h } from 'vue'
import EmailText from '~/components/EmailText.vue'
import EmptyState from '~/components/EmptyState.vue'

describe('empty state', () => {
  it('shows its icon (hidden from screen readers), title, text and the actions it is given', async () => {
    const wrapper = await mountSuspended(EmptyState, {
      props: { icon: Picture, title: 'Nothing here', text: 'Make something.' },
      slots: { default: () => h('button', { type: 'button' }, 'Start') },
    })
    expect(wrapper.get('h2').text()).toBe('Nothing here')
    expect(wrapper.get('p').text()).toBe('Make something.')
    expect(wrapper.get('.el-icon').attributes('aria-hidden')).toBe('true')
    expect(wrapper.find('.el-icon svg').exists()).toBe(true)
    expect(wrapper.get('.nb-empty-state-actions button').text()).toBe('Start')
  })

  it('leaves out the text and the actions when there are none', async () => {
    const wrapper = await mountSuspended(EmptyState, { props: { icon: Picture, title: 'Nothing here' } })
    expect(wrapper.find('p').exists()).toBe(false)
    expect(wrapper.find('.nb-empty-state-actions').exists()).toBe(false)
  })
})

describe('email text', () => {
  it('offers line breaks before the @ and after dots only, and the whole address on hover', async () => {
    const wrapper = await mountSuspended(EmailText, { props: { email: 'first.last@example.com' } })
    expect(wrapper.text()).toBe('first.last@example.com')
    expect(wrapper.attributes('title')).toBe('first.last@example.com')
    // Without Vue's comment and scoped-style attributes, exactly the address and its break points.
    expect(wrapper.element.innerHTML.replace(/<!--.*?-->| data-v-\w+=""/g, '')).toBe('first.<wbr>last<wbr>@example.<wbr>com')
  })
})
