import type { ApiErrorCode } from '#shared/types/api'
import { createError } from 'h3'

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

export const ERROR_MESSAGES: Record<ApiErrorCode, string> = {
  VALIDATION_ERROR: 'The request is not valid.',
  UNAUTHORIZED: 'Sign in to continue.',
  INVALID_CREDENTIALS: 'Email or password is incorrect.',
  FORBIDDEN: 'You are not allowed to do this.',
  NOT_FOUND: 'Not found.',
  METHOD_NOT_ALLOWED: 'This method is not allowed here.',
  INSUFFICIENT_CREDITS: 'Not enough credits.',
  EMAIL_TAKEN: 'An account with this email already exists.',
  CODE_ALREADY_REDEEMED: 'You have already redeemed this code.',
  CODE_USED_UP: 'This code has been used up.',
  CODE_EXPIRED: 'This code has expired.',
  PAYLOAD_TOO_LARGE: 'The upload is too large.',
  UNSUPPORTED_MEDIA_TYPE: 'This file type is not supported.',
  CONTENT_REJECTED: 'The model refused this request.',
  RATE_LIMITED: 'Too many requests. Try again shortly.',
  INTERNAL_ERROR: 'Something went wrong on our side.',
  UPSTREAM_ERROR: 'The image service failed.',
  SERVICE_UNAVAILABLE: 'The service is unavailable.',
  UPSTREAM_TIMEOUT: 'The image service did not answer in time.',
}

/** The one way handlers fail: `throw apiError('EMAIL_TAKEN')`. The error handler renders the body. */
export function apiError(code: ApiErrorCode, message?: string, details?: Record<string, unknown>) {
  return createError({
    statusCode: ERROR_STATUS[code],
    message: message ?? ERROR_MESSAGES[code],
    data: { code, details },
  })
}

export function codeForStatus(status: number): ApiErrorCode {
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
