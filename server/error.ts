import { randomUUID } from 'node:crypto'
import type { ApiErrorBody, ApiErrorCode } from '#shared/types/api'
import { send, setResponseHeader, setResponseStatus } from 'h3'
import type { NitroErrorHandler } from 'nitropack/types'
import { codeForStatus, ERROR_MESSAGES, ERROR_STATUS } from './utils/errors'
import { closeAfterResponse, hasBody, isApiPath } from './utils/request'

function zodDetails(data: unknown): Record<string, unknown> | undefined {
  if (!data || typeof data !== 'object' || !('issues' in data) || !Array.isArray(data.issues)) return undefined
  const fields: Record<string, string[]> = {}
  for (const issue of data.issues as { path?: PropertyKey[], message: string }[]) {
    const key = issue.path?.length ? issue.path.map(String).join('.') : '_'
    ;(fields[key] ??= []).push(issue.message)
  }
  return { fields }
}

/**
 * The single place that renders an /api error (`/%61pi/…` and `/API/…` included), in the one format
 * every client reads. Other paths fall through to Nuxt.
 */
const apiErrorHandler: NitroErrorHandler = (error, event) => {
  if (!isApiPath(event)) return

  const data = (error.data ?? {}) as { code?: ApiErrorCode, details?: Record<string, unknown> }
  const known = data.code && data.code in ERROR_STATUS
  const status = known ? ERROR_STATUS[data.code!] : (error.statusCode || 500)
  const code = known ? data.code! : codeForStatus(status)
  const requestId = (event.context.requestId as string | undefined) ?? randomUUID()

  let message = ERROR_MESSAGES[code]
  if (known && error.message) message = error.message
  else if (code === 'VALIDATION_ERROR' && error.message === 'Invalid JSON body') message = 'The request body is not valid JSON.'

  if (status >= 500 && !known) {
    console.error(JSON.stringify({ level: 'error', requestId, path: event.path, error: error.cause instanceof Error ? error.cause.stack : error.stack }))
  }

  const body: ApiErrorBody = {
    error: {
      code,
      message,
      details: known ? data.details : zodDetails(error.data),
      timestamp: new Date().toISOString(),
      requestId,
    },
  }
  setResponseStatus(event, status)
  setResponseHeader(event, 'Content-Type', 'application/json; charset=utf-8')
  setResponseHeader(event, 'X-Request-Id', requestId)
  setResponseHeader(event, 'Cache-Control', 'no-store')
  const retryAfter = data.details?.retryAfter
  if (code === 'RATE_LIMITED' && typeof retryAfter === 'number') setResponseHeader(event, 'Retry-After', retryAfter)
  // Refused before its body was read (401 to an upload, 413, 415): no reason to read the rest.
  if (hasBody(event) && !event.node.req.readableEnded) closeAfterResponse(event)
  return send(event, JSON.stringify(body))
}

export default apiErrorHandler
