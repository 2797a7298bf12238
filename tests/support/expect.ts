import type { FetchResponse } from 'ofetch'
import { expect } from 'vitest'

/** Asserts the project's one error format: status, code, a message, an ISO timestamp and the request id of the header. */
export function expectApiError(res: FetchResponse<unknown>, status: number, code: string) {
  expect(res.status, JSON.stringify(res._data)).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/application\/json/)
  const body = res._data as { error: { code: string, message: string, timestamp: string, requestId: string } }
  expect(body.error.code).toBe(code)
  expect(typeof body.error.message).toBe('string')
  expect(body.error.message.length).toBeGreaterThan(0)
  expect(new Date(body.error.timestamp).toISOString()).toBe(body.error.timestamp)
  expect(body.error.requestId).toBeTruthy()
  expect(res.headers.get('x-request-id')).toBe(body.error.requestId)
  expect(JSON.stringify(body)).not.toMatch(/at .+\.(m?js|ts):\d+|node_modules|SqliteError|password_?hash/i)
  return body.error
}
