import type { ApiErrorCode } from '#shared/types/api'

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

/**
 * The one way the app fails on purpose, wherever it runs: `throw new AppError('EMAIL_TAKEN')`. It
 * knows nothing of HTTP; server/error.ts turns it into a status and the API's error body, and the
 * command line prints its code and message.
 */
export class AppError extends Error {
  constructor(readonly code: ApiErrorCode, message?: string, readonly details?: Record<string, unknown>) {
    super(message ?? ERROR_MESSAGES[code])
    this.name = 'AppError'
  }
}
