type Theme = 'light' | 'dark'

/**
 * Light or dark: the reader's choice, remembered in the nb_theme cookie so the server renders it; until
 * they choose, the system's (`prefers-color-scheme`, known in the browser only: app/plugins/system-theme.client.ts).
 */
export function useTheme() {
  // Read from the cookie during the server render; the browser gets it with the page's state.
  const choice = useState<Theme | null>('theme', () => {
    const saved = useCookie('nb_theme').value
    return saved === 'dark' || saved === 'light' ? saved : null
  })
  const systemDark = useState('system-dark', () => false)
  const isDark = computed(() => (choice.value ?? (systemDark.value ? 'dark' : 'light')) === 'dark')

  function toggle() {
    choice.value = isDark.value ? 'light' : 'dark'
    rememberChoice('nb_theme', choice.value)
  }

  return { choice, systemDark, isDark, toggle }
}
