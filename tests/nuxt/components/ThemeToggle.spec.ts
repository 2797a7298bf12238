import { mountSuspended } from '@nuxt/test-utils/runtime'
import { useCookie } from '#app'
import { beforeEach, describe, expect, it } from 'vitest'
import ThemeToggle from '~/components/ThemeToggle.vue'
import { useTheme } from '~/composables/useTheme'

describe('theme toggle', () => {
  beforeEach(() => {
    const { choice, systemDark } = useTheme()
    choice.value = null
    systemDark.value = false
    useCookie('nb_theme').value = null
  })

  it('follows the system until the reader picks a theme, then keeps the pick in the nb_theme cookie', async () => {
    const { systemDark, isDark } = useTheme()
    systemDark.value = true
    const wrapper = await mountSuspended(ThemeToggle)
    const button = () => wrapper.get('[data-testid="theme-toggle"]')
    expect(isDark.value).toBe(true)
    expect(button().attributes('aria-pressed')).toBe('true')
    expect(button().attributes('aria-label')).toBe('切换到浅色模式')
    // The system turns light: so does the page, nothing having been chosen.
    systemDark.value = false
    await expect.poll(() => button().attributes('aria-pressed')).toBe('false')

    await button().trigger('click')
    await expect.poll(() => button().attributes('aria-pressed')).toBe('true')
    expect(useCookie('nb_theme').value).toBe('dark')
    // A choice outranks the system from now on.
    systemDark.value = false
    expect(isDark.value).toBe(true)
    await button().trigger('click')
    expect(useCookie('nb_theme').value).toBe('light')
    systemDark.value = true
    expect(isDark.value).toBe(false)
  })
})
