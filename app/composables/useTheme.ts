type Theme = 'light' | 'dark'

/** Light or dark, remembered in the nb_theme cookie so the server renders the right one (no flash). */
export function useTheme() {
  const cookie = useCookie<Theme>('nb_theme', { maxAge: 60 * 60 * 24 * 365, sameSite: 'lax', default: () => 'light' })
  const theme = useState<Theme>('theme', () => (cookie.value === 'dark' ? 'dark' : 'light'))

  function toggle() {
    theme.value = theme.value === 'dark' ? 'light' : 'dark'
    cookie.value = theme.value
  }

  return { theme, isDark: computed(() => theme.value === 'dark'), toggle }
}
