import type { H3Event } from 'h3'

/**
 * The path with every %XX escape decoded (`/%61pi/…` is `/api/…`, a broken escape stays as it is),
 * lower-cased: what a request may be aiming at, for deciding which rules and error format apply.
 */
export function decodedPath(event: H3Event): string {
  // Asked for by several middlewares and hooks per request: worked out once per path.
  const known = event.context.decodedPath as { of: string, path: string } | undefined
  if (known?.of === event.path) return known.path
  const raw = event.path.split('?', 1)[0] ?? '/'
  const path = decoded(raw)
  event.context.decodedPath = { of: event.path, path }
  return path
}

function decoded(path: string): string {
  return path.replace(/%([\da-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))).toLowerCase()
}

export function isApiPath(event: H3Event): boolean {
  const path = decodedPath(event)
  return path === '/api' || path.startsWith('/api/')
}

/**
 * Whether every /api path gets the same route rules (Nitro's, and nuxt-security's, which are made from
 * them): true unless a rule's pattern could single out an API path, one whose first segment is `api`
 * (read as `decodedPath` reads it), a wildcard or a parameter. `/**` matches every path alike.
 */
export function apiSharesRouteRules(patterns: string[]): boolean {
  return patterns.every((pattern) => {
    if (pattern === '/**') return true
    const first = pattern.split('/')[1] ?? ''
    return !/[*:]/.test(first) && decoded(first) !== 'api'
  })
}

/** Whether the request says it has a body: a length above zero, or chunked. */
export function hasBody(event: H3Event): boolean {
  const headers = event.node.req.headers
  return Number(headers['content-length'] ?? 0) > 0 || headers['transfer-encoding'] !== undefined
}

// How long a connection closed under an unread body goes on being read (and discarded) so the client
// sees the answer rather than a reset: nginx's "lingering close".
const LINGER_MS = 2000
const lingering = new WeakSet<object>()

/**
 * After an answer given before the body was read (a 413, a 401 to an upload), close the connection
 * rather than read the rest of a body nobody wants. The socket is half-closed once the answer is out
 * and torn down shortly after: closing it at once would reset it under the client's feet, and many
 * clients would then report the reset instead of the answer.
 */
export function closeAfterResponse(event: H3Event) {
  const { req, res } = event.node
  if (!res.headersSent) res.setHeader('Connection', 'close')
  const socket = req.socket as typeof req.socket & { destroySoon?: () => void }
  if (lingering.has(socket)) return
  lingering.add(socket)
  // Node calls destroySoon() once an answer marked `Connection: close` has been written.
  socket.destroySoon = function () {
    req.removeAllListeners('data')
    req.resume()
    this.end()
    setTimeout(() => this.destroy(), LINGER_MS).unref()
  }
}

/** RFC 7240: whether the client sent `Prefer: respond-async`. */
export function prefersAsync(event: H3Event): boolean {
  const prefer = String(event.node.req.headers.prefer ?? '')
  return prefer.split(',').some(token => token.split(';', 1)[0]!.trim().toLowerCase() === 'respond-async')
}
