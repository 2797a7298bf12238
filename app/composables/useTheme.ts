type Theme = 'light' | 'dark'

/**
 * Light or dark: the reader's choice, remembered in the nb_theme cookie so the server renders it; until
 * they choose, the system's (`prefers-color-scheme`, known in the browser only: app/plugins/system-theme.client.ts).
 */
export function useTheme() {
  const cookie = useCookie<Theme | undefined>('nb_theme', { maxAge: 60 * 60 * 24 * 365, sameSite: 'lax' })
  const choice = useState<Theme | null>('theme', () => (cookie.value === 'dark' || cookie.value === 'light' ? cookie.value : null))
  const systemDark = useState('system-dark', () => false)
  const isDark = computed(() => (choice.value ?? (systemDark.value ? 'dark' : 'light')) === 'dark')

  function toggle() {
    choice.value = isDark.value ? 'light' : 'dark'
    cookie.value = choice.value
  }

  return { choice, systemDark, isDark, toggle }
}
