import { AppError } from '#server/utils/errors'
import { isApiPath } from '#server/utils/request'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * CSRF: a state-changing /api request without a Bearer token (so authenticated by the session
 * cookie, or a sign-in) must come from this site. Browsers say where a request comes from in
 * Sec-Fetch-Site and Origin; a client that sends neither is not a browser a page could steer.
 */
export default defineEventHandler((event) => {
  if (SAFE_METHODS.has(event.method) || !isApiPath(event) || getRequestHeader(event, 'authorization')) return
  const site = getRequestHeader(event, 'sec-fetch-site')
  if (site && site !== 'same-origin' && site !== 'none') throw new AppError('FORBIDDEN', 'Cross-site requests are refused.')
  const origin = getRequestHeader(event, 'origin')
  if (origin === undefined) return
  // Host names only: a proxy may pass the Host header on without the port the browser used.
  const ours = hostname(`http://${getRequestHeader(event, 'host') ?? ''}`)
  if (!ours || hostname(origin) !== ours) throw new AppError('FORBIDDEN', 'Cross-site requests are refused.')
})

function hostname(url: string) {
  try {
    return new URL(url).hostname
  }
  catch {
    return undefined
  }
}
