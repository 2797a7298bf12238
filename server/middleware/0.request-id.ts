import { randomUUID } from 'node:crypto'
import type { H3Event } from 'h3'
import { clientAddress } from '#server/utils/client'
import { observeRequest } from '#server/services/metrics'
import { useServerConfig } from '#server/utils/config'
import { log } from '#server/utils/log'

/** Every request gets an id: in the X-Request-Id header, in error bodies and in its log line. */
export default defineEventHandler((event) => {
  const requestId = randomUUID()
  const started = performance.now()
  event.context.requestId = requestId
  setResponseHeader(event, 'X-Request-Id', requestId)
  event.node.res.once('finish', () => {
    const ms = performance.now() - started
    const status = event.node.res.statusCode
    log.info({ requestId, method: event.method, path: event.path, status, ms: Math.round(ms), ip: clientAddress(event) })
    // Counted only where someone can read them (GET /metrics is off without its token).
    if (useServerConfig().metricsToken) observeRequest(event.method, routeOf(event), status, ms / 1000)
  })
})

/** The route's pattern (`/api/jobs/:id`), never the path itself: a metric's labels must stay few. */
function routeOf(event: H3Event): string {
  const matched = (event.context.matchedRoute as { path?: string } | undefined)?.path
  if (matched) return matched
  return event.path.startsWith('/_nuxt/') ? '/_nuxt/**' : 'unmatched'
}
