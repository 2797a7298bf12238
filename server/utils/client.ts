import type { H3Event } from 'h3'
import proxyAddr from 'proxy-addr'
import { useServerConfig } from '#server/utils/config'

let trust: ((address: string, hop: number) => boolean) | undefined

function trusted() {
  trust ??= proxyAddr.compile(useServerConfig().trustProxy)
  return trust
}

type Socket = H3Event['node']['req']['socket'] & { encrypted?: boolean }

const peers = new WeakMap<Socket, boolean>()

/** Whether the connection comes from a proxy listed in NUXT_TRUST_PROXY: asked once per connection. */
function fromTrustedProxy(socket: Socket): boolean {
  let known = peers.get(socket)
  if (known === undefined) {
    known = !!socket.remoteAddress && trusted()(socket.remoteAddress, 0)
    peers.set(socket, known)
  }
  return known
}

/**
 * The client's address: the socket's, unless the request came from a proxy listed in NUXT_TRUST_PROXY;
 * then the rightmost X-Forwarded-For entry that is not one of those proxies (a client can prepend
 * anything it likes to the header, but not what the proxies append).
 */
export function clientAddress(event: H3Event): string {
  const cached = event.context.clientAddress as string | undefined
  if (cached) return cached
  const socket = event.node.req.socket
  // Hop 0 is the socket's own address (proxy-addr asks about the addresses from the socket outwards).
  const address = socket.remoteAddress ? proxyAddr(event.node.req, (at, hop) => (hop === 0 ? fromTrustedProxy(socket) : trusted()(at, hop))) : 'unknown'
  event.context.clientAddress = address
  return address
}

/** Whether the client reached us over HTTPS: directly, or through a trusted proxy that says so. */
export function isHttps(event: H3Event): boolean {
  const socket: Socket = event.node.req.socket
  if (socket.encrypted) return true
  if (!fromTrustedProxy(socket)) return false
  const proto = String(event.node.req.headers['x-forwarded-proto'] ?? '').split(',')[0]!.trim().toLowerCase()
  return proto === 'https'
}
