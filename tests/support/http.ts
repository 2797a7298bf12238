import { request } from 'node:http'

export interface StreamedResult {
  status: number | null
  body: string
  headers: Record<string, string | string[] | undefined>
  /** Body bytes the client had handed to the socket when the answer (or an error) came. */
  sentBeforeAnswer: number
  error?: string
}

const PAUSE_MS = 10_000

/**
 * Sends a body in chunks with `Transfer-Encoding: chunked` (no Content-Length, so a server cannot
 * judge it by its headers) and stops sending once an answer arrives, as a real client would.
 * With `pauseAt`, it waits there (up to PAUSE_MS) for an answer before sending the rest: a server that
 * answers without needing more is then seen answering at that point, however long a busy client would
 * take to notice an answer while writing on.
 */
export function sendChunked(url: string, options: { headers?: Record<string, string>, head?: Buffer, total: number, chunk?: number, method?: string, pauseAt?: number }): Promise<StreamedResult> {
  const target = new URL(url)
  const chunk = Buffer.alloc(options.chunk ?? 64 * 1024, 0x41)
  return new Promise((resolve) => {
    let sent = 0
    let answered = false
    let sentBeforeAnswer = 0
    let pause: NodeJS.Timeout | undefined
    let paused = false
    const req = request({
      hostname: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      method: options.method ?? 'POST',
      headers: { 'transfer-encoding': 'chunked', ...options.headers },
    })
    req.on('response', (res) => {
      answered = true
      sentBeforeAnswer = sent
      if (pause) {
        clearTimeout(pause)
        pump()
      }
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? null, body, headers: res.headers, sentBeforeAnswer }))
      res.on('error', () => resolve({ status: res.statusCode ?? null, body, headers: res.headers, sentBeforeAnswer }))
    })
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!answered) resolve({ status: null, body: '', headers: {}, sentBeforeAnswer: sent, error: error.code ?? error.message })
    })
    if (options.head) {
      req.write(options.head)
      sent += options.head.length
    }
    const pump = () => {
      while (!answered && sent < options.total) {
        if (options.pauseAt !== undefined && sent >= options.pauseAt && !paused) {
          paused = true
          pause = setTimeout(() => {
            pause = undefined
            pump()
          }, PAUSE_MS)
          return
        }
        sent += chunk.length
        if (!req.write(chunk)) {
          req.once('drain', pump)
          return
        }
      }
      req.end()
    }
    pump()
  })
}

/** The start of a multipart body whose one file part then runs on for as long as the sender likes. */
export function multipartHead(boundary: string, field = 'image', fields: Record<string, string> = {}) {
  const text = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('')
  return Buffer.from(`${text}--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`)
}

/** A GET with the path sent exactly as written (no normalising of `%2e%2e` or `./`). */
export function rawGet(server: { url: string }, path: string): Promise<{ status: number, body: string, headers: Record<string, string | string[] | undefined> }> {
  const target = new URL(server.url)
  return new Promise((resolve, reject) => {
    const req = request({ hostname: target.hostname, port: target.port, path, method: 'GET' }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}
