import { randomUUID } from 'node:crypto'
import { clientAddress } from '#server/utils/client'
import { log } from '#server/utils/log'

/** Every request gets an id: in the X-Request-Id header, in error bodies and in its log line. */
export default defineEventHandler((event) => {
  const requestId = randomUUID()
  const started = performance.now()
  event.context.requestId = requestId
  setResponseHeader(event, 'X-Request-Id', requestId)
  event.node.res.once('finish', () => {
    log.info({
      requestId,
      method: event.method,
      path: event.path,
      status: event.node.res.statusCode,
      ms: Math.round(performance.now() - started),
      ip: clientAddress(event),
    })
  })
})
