import http from 'node:http'
import https from 'node:https'
import { promisify } from 'node:util'
import zlib from 'node:zlib'

// Calls to the image gateway over node:http rather than fetch: reading a 2.6 MB answer (a 1024² PNG
// as base64) costs about a third of fetch's CPU here (3.8 vs 10.8 ms, docs/PERFORMANCE.md), which is
// what a burst of pictures arriving together is made of. Connections are kept alive between calls.
const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
}

const DECODERS: Record<string, (data: Buffer, options: zlib.ZlibOptions) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
}

// Answer buffers kept for the next answer. Every new Buffer is external memory to V8, which collects
// garbage each time enough of it was allocated: a burst of 2.6 MB answers, each read into a new
// buffer, ran a full collection every few pictures (docs/PERFORMANCE.md, "Fewer collections").
const SPARE_BYTES = 48 * 1024 * 1024
const SPARE_MAX = 16 * 1024 * 1024
const MB = 1024 * 1024
const spares: Buffer[] = []
const lent = new WeakSet<ArrayBufferLike>()

function borrow(size: number): Buffer {
  if (size > SPARE_MAX) return Buffer.allocUnsafe(size)
  const i = spares.findIndex(spare => spare.length >= size)
  const whole = i >= 0 ? spares.splice(i, 1)[0]! : Buffer.allocUnsafeSlow(Math.ceil(size / MB) * MB)
  lent.add(whole.buffer)
  return whole.subarray(0, size)
}

function joined(chunks: Buffer[], size: number): Buffer {
  const whole = borrow(size)
  let at = 0
  for (const chunk of chunks) at += chunk.copy(whole, at)
  return whole
}

/**
 * Gives back the buffer of an answer read by `bytes()` once nothing reads it any more (copies made
 * from it, such as parsed JSON or a decoded picture, stay valid). Not giving it back is safe: it is
 * then collected as usual.
 */
export function releaseAnswer(bytes: Buffer) {
  if (!lent.delete(bytes.buffer)) return
  const kept = spares.reduce((sum, spare) => sum + spare.length, 0)
  if (kept + bytes.buffer.byteLength <= SPARE_BYTES) spares.push(Buffer.from(bytes.buffer))
}

/** The answer is larger than the caller takes. */
export class AnswerTooLargeError extends Error {}
/** The connection ended before the whole answer arrived. */
class AnswerCutOffError extends Error {}

export interface UpstreamResponse {
  status: number
  ok: boolean
  /** The whole body, decompressed; rejects when it is cut off, larger than `maxBytes`, or the signal fires. */
  bytes: () => Promise<Buffer>
}

export interface UpstreamInit {
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: Buffer | string
  signal: AbortSignal
  maxBytes: number
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : Object.assign(new Error('The request was aborted.'), { name: 'AbortError' })
}

/**
 * Sends a request; resolves once the answer's status and headers are in (its body still in the
 * socket until `bytes()` is called). Rejects as fetch would: the signal's reason (a TimeoutError)
 * when it fires, another error when the server cannot be reached.
 */
export function send(url: string, init: UpstreamInit): Promise<UpstreamResponse> {
  const target = new URL(url)
  const transport = target.protocol === 'https:' ? https : http
  // Uncompressed: base64 pictures shrink by a quarter at most, and inflating them would cost more CPU than reading
  // them; an answer compressed all the same is still read.
  const headers: Record<string, string> = { 'Accept-Encoding': 'identity', ...init.headers }
  if (init.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(init.body))
  return new Promise((resolve, reject) => {
    if (init.signal.aborted) return reject(abortReason(init.signal))
    const onAbort = () => request.destroy(abortReason(init.signal))
    const request = transport.request(target, { method: init.method ?? 'GET', headers, agent: agents[target.protocol as keyof typeof agents] }, (response) => {
      init.signal.removeEventListener('abort', onAbort)
      const status = response.statusCode ?? 0
      resolve({ status, ok: status >= 200 && status < 300, bytes: () => readBody(response, init) })
    })
    init.signal.addEventListener('abort', onAbort, { once: true })
    request.on('error', (error) => {
      init.signal.removeEventListener('abort', onAbort)
      reject(error)
    })
    request.end(init.body)
  })
}

function readBody(response: http.IncomingMessage, { maxBytes, signal }: UpstreamInit): Promise<Buffer> {
  const encoding = String(response.headers['content-encoding'] ?? 'identity').trim().toLowerCase()
  const decode = DECODERS[encoding]
  const declared = Number(response.headers['content-length'])
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false
    let whole: Buffer | null = null
    const finish = (error: Error | null, bytes?: Buffer) => {
      if (settled) return
      settled = true
      signal.removeEventListener('abort', onAbort)
      if (error) {
        response.destroy()
        if (whole) releaseAnswer(whole)
        reject(error)
      }
      else resolve(bytes!)
    }
    const onAbort = () => finish(abortReason(signal))
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    if (declared > maxBytes) return finish(new AnswerTooLargeError(`The answer is ${declared} bytes.`))
    // With a declared length, one buffer of that size: no second copy when the last piece arrives.
    if (Number.isSafeInteger(declared) && declared > 0) whole = borrow(declared)
    const chunks: Buffer[] = []
    let size = 0
    response.on('data', (chunk: Buffer) => {
      if (settled) return
      if (size + chunk.length > (whole?.length ?? maxBytes)) return finish(whole ? new AnswerCutOffError('More bytes than declared.') : new AnswerTooLargeError(`The answer is over ${maxBytes} bytes.`))
      if (whole) chunk.copy(whole, size)
      else chunks.push(chunk)
      size += chunk.length
    })
    response.on('end', () => {
      if (whole && size !== whole.length) return finish(new AnswerCutOffError(`${size} of ${whole.length} bytes arrived.`))
      finish(null, whole ?? joined(chunks, size))
    })
    response.on('error', error => finish(signal.aborted ? abortReason(signal) : new AnswerCutOffError(error.message)))
    response.on('close', () => {
      if (!response.complete) finish(signal.aborted ? abortReason(signal) : new AnswerCutOffError('The connection closed early.'))
    })
  }).then((bytes) => {
    if (encoding === 'identity' || bytes.length === 0) return bytes
    if (!decode) {
      releaseAnswer(bytes)
      throw new AnswerCutOffError(`Unknown content encoding ${encoding}.`)
    }
    return decode(bytes, { maxOutputLength: maxBytes }).catch((error: unknown) => {
      throw new AnswerCutOffError(error instanceof Error ? error.message : String(error))
    }).finally(() => releaseAnswer(bytes))
  })
}
