// The system's colour scheme, which the theme follows until the reader picks one; it may change while
// the page is open (an automatic dark mode at dusk). Set before hydration, so the page's class is right from the start.
export default defineNuxtPlugin(() => {
  const { systemDark } = useTheme()
  const query = window.matchMedia('(prefers-color-scheme: dark)')
  systemDark.value = query.matches
  query.addEventListener('change', event => (systemDark.value = event.matches))
})
