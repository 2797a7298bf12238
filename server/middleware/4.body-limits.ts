import { AppError } from '#server/utils/errors'
import { closeAfterResponse, decodedPath, hasBody, isApiPath } from '#server/utils/request'

const KB = 1024
const JSON_LIMIT = 1024 * KB
// Sign-in, sign-up and password forms are small; anyone can send them, signed in or not.
const AUTH_JSON_LIMIT = 64 * KB
const AUTH_ROUTES = new Set(['/api/login', '/api/register', '/api/logout', '/api/users/me/password'])
// Routes that take multipart/form-data; they read (and limit) their bodies themselves, streaming.
const MULTIPART_ROUTES = new Set(['/api/generate/image-to-image'])

const BODYLESS_METHODS = new Set(['GET', 'HEAD'])

const JSON_TYPE = /^application\/(?:[\w.+-]*\+)?json(?:\s*;|$)/i

function readLimited(event: Parameters<typeof closeAfterResponse>[0], limit: number): Promise<Buffer> {
  const req = event.node.req
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const done = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onError)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        done()
        req.pause()
        closeAfterResponse(event)
        reject(new AppError('PAYLOAD_TOO_LARGE', `The request body can be at most ${Math.round(limit / KB)} KB.`))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      done()
      resolve(Buffer.concat(chunks, size))
    }
    const onError = () => {
      done()
      reject(new AppError('VALIDATION_ERROR', 'The request body was cut off.'))
    }
    req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onError)
  })
}

/**
 * Every /api body is checked before a handler sees it: a type the route does not take is 415 before
 * a byte is read; a JSON body is read here, counted on the wire whatever Content-Length says, and
 * refused with 413 the moment it passes the limit (the connection is then closed).
 */
export default defineEventHandler(async (event) => {
  // No GET or HEAD handler reads a body. (A page rendered for a POST calls the API during its render
  // with the page request's headers, Content-Type and Content-Length included, and no body at all.)
  if (!isApiPath(event) || BODYLESS_METHODS.has(event.method) || !hasBody(event)) return
  const path = decodedPath(event)
  const type = event.node.req.headers['content-type'] ?? ''
  if (MULTIPART_ROUTES.has(path)) {
    if (!/^multipart\/form-data\s*;/i.test(type)) {
      closeAfterResponse(event)
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send this request as multipart/form-data.')
    }
    return
  }
  if (!JSON_TYPE.test(type)) {
    closeAfterResponse(event)
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.')
  }
  const limit = AUTH_ROUTES.has(path) ? AUTH_JSON_LIMIT : JSON_LIMIT
  if (Number(event.node.req.headers['content-length'] ?? 0) > limit) {
    closeAfterResponse(event)
    throw new AppError('PAYLOAD_TOO_LARGE', `The request body can be at most ${Math.round(limit / KB)} KB.`)
  }
  // Handlers read it through h3's readBody, which takes a body already read from `rawBody`.
  ;(event.node.req as { rawBody?: Buffer }).rawBody = await readLimited(event, limit)
})
