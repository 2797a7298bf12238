/**
 * The storm's floor on this machine: bare `node:http` doing only what no implementation can skip for
 * a text-to-image request. It reads the request, calls the gateway (kept-alive `node:http`, every call
 * at once), receives the whole answer and answers a small JSON. It keeps nothing: no decode, no file,
 * no accounts, credits, database, jobs or thumbnails. In a process of its own, started with the
 * gateway's port; prints its port once listening.
 */
import http, { createServer } from 'node:http'

const gatewayPort = Number(process.argv[2])
const agent = new http.Agent({ keepAlive: true })

/** The gateway's answer, received and counted, not kept. */
function callGateway(prompt: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const call = http.request({ host: '127.0.0.1', port: gatewayPort, path: '/v1/images/generations', method: 'POST', agent, headers: { 'Content-Type': 'application/json' } }, (answer) => {
      let bytes = 0
      answer.on('data', (chunk: Buffer) => (bytes += chunk.length))
      answer.on('end', () => resolve(bytes))
      answer.on('error', reject)
    })
    call.on('error', reject)
    call.end(prompt)
  })
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    callGateway(Buffer.concat(chunks)).then((bytes) => {
      const body = JSON.stringify({ received: bytes })
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) })
      res.end(body)
    }, error => res.writeHead(502).end(String(error)))
  })
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }))
})
