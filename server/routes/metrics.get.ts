import { createHash, timingSafeEqual } from 'node:crypto'
import { METRICS_CONTENT_TYPE, metricsText } from '#server/services/metrics'
import { bearerToken } from '#server/utils/auth'
import { useServerConfig } from '#server/utils/config'
import { AppError } from '#server/utils/errors'

const digest = (value: string) => createHash('sha256').update(value).digest()

/**
 * Prometheus metrics (text format). Off — 404 — unless NUXT_METRICS_TOKEN is set; then only for
 * `Authorization: Bearer <that token>`, compared in constant time.
 */
export default defineEventHandler(async (event) => {
  const token = useServerConfig().metricsToken
  if (!token) throw new AppError('NOT_FOUND')
  const sent = bearerToken(event) ?? ''
  if (!timingSafeEqual(digest(sent), digest(token))) {
    setResponseHeader(event, 'WWW-Authenticate', 'Bearer realm="metrics"')
    throw new AppError('UNAUTHORIZED', 'The metrics need the Bearer token set in NUXT_METRICS_TOKEN.')
  }
  setResponseHeader(event, 'Content-Type', METRICS_CONTENT_TYPE)
  setResponseHeader(event, 'Cache-Control', 'no-store')
  return metricsText()
})
