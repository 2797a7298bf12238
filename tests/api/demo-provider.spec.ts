import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { client, signUp, startServer, type TestServer } from '../support/server'

let server: TestServer
beforeAll(async () => {
  // No key set: `auto` falls back to the embedded demo provider.
  server = await startServer({ env: { NUXT_IMAGE_PROVIDER: undefined, NUXT_IMAGE_API_KEY: undefined } })
})
afterAll(() => server?.stop())

async function fetchImage(url: string) {
  const res = await fetch(`${server.url}${url}`)
  expect(res.status).toBe(200)
  return Buffer.from(await res.arrayBuffer())
}

describe('the demo provider', () => {
  it('is the provider when no key is set', async () => {
    expect((await client(server)<{ provider: string }>('/api/models')).provider).toBe('demo')
  })

  it('draws a decodable text-to-image picture in the requested ratio, the same for the same prompt', async () => {
    const { api } = await signUp(server)
    const a = await api<{ creation: { imageUrl: string, width: number, height: number } }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: '竹林里的熊猫', size: '9:16' } })
    const b = await api<{ creation: { imageUrl: string } }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: '竹林里的熊猫', size: '9:16' } })
    const c = await api<{ creation: { imageUrl: string } }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'a different prompt', size: '9:16' } })
    const meta = await sharp(await fetchImage(a.creation.imageUrl)).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 576, 1024])
    expect([a.creation.width, a.creation.height]).toEqual([576, 1024])
    const raw = async (url: string) => sharp(await fetchImage(url)).raw().toBuffer()
    expect((await raw(a.creation.imageUrl)).equals(await raw(b.creation.imageUrl))).toBe(true)
    expect((await raw(a.creation.imageUrl)).equals(await raw(c.creation.imageUrl))).toBe(false)
  })

  it('derives an image-to-image picture visibly from the input, in the requested ratio', async () => {
    const { api } = await signUp(server)
    const input = await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toBuffer()
    const body = new FormData()
    body.append('prompt', 'turn it around')
    body.append('size', '3:2')
    body.append('image', new Blob([new Uint8Array(input)], { type: 'image/png' }), 'red.png')
    const { creation } = await api<{ creation: { imageUrl: string, kind: string } }>('/api/generate/image-to-image', { method: 'POST', body })
    expect(creation.kind).toBe('image-to-image')
    const output = await fetchImage(creation.imageUrl)
    const meta = await sharp(output).metadata()
    expect([meta.width, meta.height]).toEqual([1024, 683])
    // The centre still carries the input's flat colour, shifted in hue: uniform and saturated, not the text-to-image art.
    const centre = await sharp(output).extract({ left: 300, top: 150, width: 400, height: 300 }).png().toBuffer()
    const { channels, dominant } = await sharp(centre).stats()
    expect(channels.every(ch => ch.stdev < 2)).toBe(true)
    expect(Math.max(dominant.r, dominant.g, dominant.b) - Math.min(dominant.r, dominant.g, dominant.b)).toBeGreaterThan(100)
  })
})
