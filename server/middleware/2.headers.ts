import { SESSION_COOKIE } from '#server/utils/auth'
import { isHttps } from '#server/utils/client'
import { isApiPath } from '#server/utils/request'

const STATIC = /^\/(?:_nuxt|images)\//

/**
 * Headers that depend on the request (the fixed ones, CSP among them, come from nuxt-security):
 * HSTS over HTTPS only, and no caching of anything personal — API answers, and pages rendered for
 * someone signed in.
 */
export default defineEventHandler((event) => {
  if (isHttps(event)) setResponseHeader(event, 'Strict-Transport-Security', 'max-age=63072000; includeSubDomains')
  if (isApiPath(event) || (!STATIC.test(event.path) && getCookie(event, SESSION_COOKIE))) {
    setResponseHeader(event, 'Cache-Control', 'no-store')
  }
})
