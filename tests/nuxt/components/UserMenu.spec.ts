import { mountSuspended } from '@nuxt/test-utils/runtime'
import { afterEach, describe, expect, it } from 'vitest'
import UserMenu from '~/components/UserMenu.vue'
import { useUserStore } from '~/stores/user'
import { user } from '../../support/nuxt'

async function mountMenu(role: 'user' | 'admin' = 'user') {
  useUserStore().user = user({ email: 'ada@example.com', role })
  const wrapper = await mountSuspended(UserMenu, { attachTo: document.body })
  const button = wrapper.get('[data-testid="user-menu"]')
  const focused = () => (document.activeElement as HTMLElement | null)?.dataset.testid
  const items = () => wrapper.findAll('[role="menuitem"]').map(item => item.attributes('data-testid'))
  const key = async (key: string) => {
    await wrapper.get(document.activeElement === button.element ? '[data-testid="user-menu"]' : '[role="menu"]').trigger('keydown', { key })
  }
  return { wrapper, button, focused, items, key }
}

describe('the user menu', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('opens from the keyboard on its first item and moves, wraps and closes with the keys a menu has', async () => {
    const { button, focused, items, key } = await mountMenu()
    expect(button.attributes('aria-haspopup')).toBe('menu')
    expect(button.attributes('aria-expanded')).toBe('false')
    expect(button.text()).toContain('ada@example.com')
    expect(items()).toEqual([])

    // Enter or Space on a button is a click without a pointer.
    await button.trigger('click')
    expect(button.attributes('aria-expanded')).toBe('true')
    expect(items()).toEqual(['menu-account', 'sign-out'])
    expect(document.getElementById(button.attributes('aria-controls')!)?.getAttribute('role')).toBe('menu')
    expect(focused()).toBe('menu-account')
    await key('ArrowDown')
    expect(focused()).toBe('sign-out')
    await key('ArrowDown')
    expect(focused()).toBe('menu-account')
    await key('ArrowUp')
    expect(focused()).toBe('sign-out')
    await key('Home')
    expect(focused()).toBe('menu-account')
    await key('End')
    expect(focused()).toBe('sign-out')

    await key('Escape')
    expect(button.attributes('aria-expanded')).toBe('false')
    expect(items()).toEqual([])
    expect(focused()).toBe('user-menu')

    // The arrows open it too: down on the first item, up on the last.
    await key('ArrowUp')
    expect(focused()).toBe('sign-out')
    await key('Tab')
    expect(items()).toEqual([])
  })

  it('shows the admin page to an admin only', async () => {
    const { button, items } = await mountMenu('admin')
    await button.trigger('click')
    expect(items()).toEqual(['menu-account', 'menu-admin', 'sign-out'])
  })

  it('opens on a pointer\'s click without taking the focus, and closes on a press outside or a second click', async () => {
    const { button, focused, items } = await mountMenu()
    await button.trigger('click', { detail: 1 })
    expect(items()).toEqual(['menu-account', 'sign-out'])
    expect(focused()).not.toBe('menu-account')

    document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }))
    await nextTick()
    expect(items()).toEqual([])

    await button.trigger('click', { detail: 1 })
    expect(items()).toHaveLength(2)
    // A press on the menu's own button is not outside: the click then closes it.
    button.element.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }))
    await button.trigger('click', { detail: 1 })
    expect(items()).toEqual([])
  })
})
