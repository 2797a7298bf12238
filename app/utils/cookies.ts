/** How long the reader's choices (language, theme) are remembered: a year. */
const CHOICE_MAX_AGE = 60 * 60 * 24 * 365

/**
 * Keeps a reader's choice in a cookie, for the server to render the next pages with it. Written directly
 * rather than through useCookie, which reads document.cookie when it is created: in Chromium every read is
 * a synchronous call to the browser process (1–15 ms each, measured while a page hydrates), for a value the
 * page already has from the server.
 */
export function rememberChoice(name: 'nb_locale' | 'nb_theme', value: string) {
  document.cookie = `${name}=${encodeURIComponent(value)}; Max-Age=${CHOICE_MAX_AGE}; Path=/; SameSite=Lax`
}
