import { apiError } from '../utils/errors'

const JSON_LIMIT = 1024 * 1024
// Three 10 MB images plus the form's own bytes.
const MULTIPART_LIMIT = 32 * 1024 * 1024
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH'])

/** Refuses an API body of the wrong kind or size before anything reads it. */
export default defineEventHandler((event) => {
  if (!event.path.startsWith('/api/') || !WITH_BODY.has(event.method)) return
  const length = Number(getRequestHeader(event, 'content-length') ?? 0)
  const chunked = /chunked/i.test(getRequestHeader(event, 'transfer-encoding') ?? '')
  if (!length && !chunked) return
  const type = (getRequestHeader(event, 'content-type') ?? '').toLowerCase()
  const multipart = type.startsWith('multipart/form-data')
  if (!multipart && !/^application\/([\w.+-]*\+)?json\b/.test(type)) {
    throw apiError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json (or multipart/form-data for uploads).')
  }
  if (length > (multipart ? MULTIPART_LIMIT : JSON_LIMIT)) throw apiError('PAYLOAD_TOO_LARGE')
})
