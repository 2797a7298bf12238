/**
 * The benchmark's stand-in for a gateway, in a process of its own so that its work never counts as
 * the server's: every /v1/images/generations call is answered after DELAY_MS with the same cached
 * 1024×1024 PNG as b64_json. Prints its port once listening.
 */
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import sharp from 'sharp'

const delay = Number(process.env.DELAY_MS ?? 0)
// Blurred noise: about as large and as costly to decode as a model's real 1024² PNG (1.5–2 MB).
const side = 1024
const png = await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).blur(4).modulate({ saturation: 1.5 }).png().toBuffer()
// Encoded once: the answer is the same bytes every time.
const body = Buffer.from(JSON.stringify({ created: 1, data: [{ b64_json: png.toString('base64') }] }))

const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    setTimeout(() => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length })
      res.end(body)
    }, delay)
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0, pngBytes: png.length }))
})
