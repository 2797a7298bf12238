import { randomUUID } from 'node:crypto'
import type { ApiErrorBody, ApiErrorCode } from '#shared/types/api'
import { send, setResponseHeader, setResponseStatus, type H3Error } from 'h3'
import type { NitroErrorHandler } from 'nitropack/types'
import { AppError, ERROR_MESSAGES } from '#server/utils/errors'
import { log } from '#server/utils/log'
import { closeAfterResponse, decodedPath, hasBody, isApiPath } from '#server/utils/request'

/** Each error code's HTTP status: the only place where the app's failures meet HTTP. */
export const ERROR_STATUS: Record<ApiErrorCode, number> = {
  VALIDATION_ERROR: 400,
  UNAUTHORIZED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  INSUFFICIENT_CREDITS: 402,
  EMAIL_TAKEN: 409,
  CODE_ALREADY_REDEEMED: 409,
  CODE_USED_UP: 409,
  CODE_EXPIRED: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  CONTENT_REJECTED: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  UPSTREAM_ERROR: 502,
  SERVICE_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
}

/** The code for an HTTP error that h3 or Nitro raised themselves (a bad JSON body, an unknown route…). */
function codeForStatus(status: number): ApiErrorCode {
  const byStatus: Record<number, ApiErrorCode> = {
    400: 'VALIDATION_ERROR',
    401: 'UNAUTHORIZED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    429: 'RATE_LIMITED',
    503: 'SERVICE_UNAVAILABLE',
  }
  return byStatus[status] ?? (status >= 400 && status < 500 ? 'VALIDATION_ERROR' : 'INTERNAL_ERROR')
}

function zodDetails(data: unknown): Record<string, unknown> | undefined {
  if (!data || typeof data !== 'object' || !('issues' in data) || !Array.isArray(data.issues)) return undefined
  const fields: Record<string, string[]> = {}
  for (const issue of data.issues as { path?: PropertyKey[], message: string }[]) {
    const key = issue.path?.length ? issue.path.map(String).join('.') : '_'
    ;(fields[key] ??= []).push(issue.message)
  }
  return { fields }
}

/** What the client is told: the app's own error as it is, anything else by its HTTP status without internals. */
function describe(error: H3Error): { code: ApiErrorCode, status: number, message: string, details?: Record<string, unknown> } {
  const own = error instanceof AppError ? error : error.cause instanceof AppError ? error.cause : undefined
  if (own) return { code: own.code, status: ERROR_STATUS[own.code], message: own.message, details: own.details }
  const status = error.statusCode || 500
  const code = codeForStatus(status)
  const message = code === 'VALIDATION_ERROR' && error.message === 'Invalid JSON body' ? 'The request body is not valid JSON.' : ERROR_MESSAGES[code]
  return { code, status, message, details: zodDetails(error.data) }
}

/**
 * The single place that renders an /api (or /metrics) error (`/%61pi/…` and `/API/…` included), in the
 * one format every client reads. Other paths fall through to Nuxt.
 */
const apiErrorHandler: NitroErrorHandler = (error, event) => {
  if (!isApiPath(event) && decodedPath(event) !== '/metrics') return

  const { code, status, message, details } = describe(error)
  const requestId = (event.context.requestId as string | undefined) ?? randomUUID()
  if (status >= 500 && code === 'INTERNAL_ERROR') {
    log.error({ requestId, path: event.path, error: error.cause instanceof Error ? error.cause.stack : error.stack })
  }

  const body: ApiErrorBody = { error: { code, message, details, timestamp: new Date().toISOString(), requestId } }
  setResponseStatus(event, status)
  setResponseHeader(event, 'Content-Type', 'application/json; charset=utf-8')
  setResponseHeader(event, 'X-Request-Id', requestId)
  setResponseHeader(event, 'Cache-Control', 'no-store')
  if (code === 'RATE_LIMITED' && typeof details?.retryAfter === 'number') setResponseHeader(event, 'Retry-After', details.retryAfter)
  // Refused before its body was read (401 to an upload, 413, 415): no reason to read the rest.
  if (hasBody(event) && !event.node.req.readableEnded) closeAfterResponse(event)
  return send(event, JSON.stringify(body))
}

export default apiErrorHandler
