import type { H3Event } from 'h3'
import proxyAddr from 'proxy-addr'
import { useServerConfig } from '#server/utils/config'

let trust: ((address: string, hop: number) => boolean) | undefined

function trusted() {
  trust ??= proxyAddr.compile(useServerConfig().trustProxy)
  return trust
}

/**
 * The client's address: the socket's, unless the request came from a proxy listed in NUXT_TRUST_PROXY;
 * then the rightmost X-Forwarded-For entry that is not one of those proxies (a client can prepend
 * anything it likes to the header, but not what the proxies append).
 */
export function clientAddress(event: H3Event): string {
  const cached = event.context.clientAddress as string | undefined
  if (cached) return cached
  const address = event.node.req.socket.remoteAddress ? proxyAddr(event.node.req, trusted()) : 'unknown'
  event.context.clientAddress = address
  return address
}

/** Whether the client reached us over HTTPS: directly, or through a trusted proxy that says so. */
export function isHttps(event: H3Event): boolean {
  const socket = event.node.req.socket as { encrypted?: boolean, remoteAddress?: string }
  if (socket.encrypted) return true
  if (!socket.remoteAddress || !trusted()(socket.remoteAddress, 0)) return false
  const proto = String(event.node.req.headers['x-forwarded-proto'] ?? '').split(',')[0]!.trim().toLowerCase()
  return proto === 'https'
}
