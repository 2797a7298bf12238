import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { imageFiles, imageFilesAddedSince, jobsOf } from '../support/db'
import { expectApiError } from '../support/expect'
import type { FakeUpstream } from '../support/fake-upstream'
import { withUpstreamServer } from '../support/fixtures'
import { client, signUp, type TestServer } from '../support/server'

let upstream: FakeUpstream
let server: TestServer

withUpstreamServer({}, (started) => {
  ;({ upstream, server } = started)
})

function png(width: number, height: number, alpha = false) {
  return sharp({ create: { width, height, channels: alpha ? 4 : 3, background: { r: 20, g: 120, b: 200, alpha: alpha ? 0.5 : 1 } } }).png().toBuffer()
}

/** A JPEG carrying EXIF (camera, GPS-like text) that must not reach the model. */
function jpegWithExif(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: '#884422' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'SecretCam', Model: 'X100', Copyright: 'private location 48.85N 2.35E' } })
    .toBuffer()
}

function form(fields: Record<string, string>, files: { data: Buffer, name?: string, type?: string, field?: string }[]) {
  const body = new FormData()
  for (const [k, v] of Object.entries(fields)) body.append(k, v)
  for (const f of files) body.append(f.field ?? 'image', new Blob([new Uint8Array(f.data)], { type: f.type ?? 'image/png' }), f.name ?? 'photo.png')
  return body
}

async function balance(token: string) {
  return (await client(server, token)<{ credits: number }>('/api/users/me')).credits
}

describe('image-to-image', () => {
  it('sends one input as `image`, re-encoded without metadata, and stores the result', async () => {
    const { api, token } = await signUp(server)
    const res = await api.raw<{ creation: { kind: string, size: string, prompt: string }, credits: number }>('/api/generate/image-to-image', {
      method: 'POST',
      body: form({ prompt: 'make it a watercolor', size: '3:4' }, [{ data: await jpegWithExif(640, 480), name: 'holiday.jpg', type: 'image/jpeg' }]),
    })
    expect(res.status, JSON.stringify(res._data)).toBe(200)
    expect(res._data!.creation).toMatchObject({ kind: 'image-to-image', size: '3:4', prompt: 'make it a watercolor' })
    expect(res._data!.credits).toBe(2)

    const sent = upstream.requests.at(-1)!
    expect(sent.path).toBe('/v1/images/edits')
    expect(sent.schemaErrors).toEqual([])
    expect(sent.fields).toEqual({ model: 'nano-banana', prompt: 'make it a watercolor', n: '1', size: '3x4' })
    expect(sent.files.map(f => f.field)).toEqual(['image'])
    const received = await sharp(sent.files[0]!.data).metadata()
    expect(received.format).toBe('jpeg')
    expect(received.exif).toBeUndefined()
    expect(sent.files[0]!.data.includes(Buffer.from('SecretCam'))).toBe(false)
    expect(sent.files[0]!.filename).not.toContain('holiday')
    expect(await balance(token)).toBe(2)
  })

  it('sends several inputs as `image[]`, caps the long side at 2048 px and keeps transparency as PNG', async () => {
    const { api } = await signUp(server)
    const res = await api.raw('/api/generate/image-to-image', {
      method: 'POST',
      body: form({ prompt: 'combine them', model: 'nano-banana-hd' }, [
        { data: await png(3000, 1500) },
        { data: await png(300, 200, true) },
        { data: await sharp({ create: { width: 100, height: 100, channels: 3, background: '#0f0' } }).webp().toBuffer(), type: 'image/webp', name: 'c.webp' },
      ]),
    })
    expect(res.status, JSON.stringify(res._data)).toBe(200)
    const sent = upstream.requests.at(-1)!
    expect(sent.schemaErrors).toEqual([])
    expect(sent.files.map(f => f.field)).toEqual(['image[]', 'image[]', 'image[]'])
    const metas = await Promise.all(sent.files.map(f => sharp(f.data).metadata()))
    expect([metas[0]!.width, metas[0]!.height]).toEqual([2048, 1024])
    expect(metas[1]).toMatchObject({ format: 'png', hasAlpha: true, width: 300 })
    expect(sent.files.every(f => ['image/png', 'image/jpeg'].includes(f.type))).toBe(true)
  })

  it('judges files by their content, not their name or declared type', async () => {
    const { api, token } = await signUp(server)
    const before = upstream.requests.length
    // A PNG sent as "notes.txt" with text/plain is still a PNG.
    const ok = await api.raw('/api/generate/image-to-image', { method: 'POST', body: form({ prompt: 'ok' }, [{ data: await png(64, 64), name: 'notes.txt', type: 'text/plain' }]) })
    expect(ok.status).toBe(200)
    // Text named like an image is not.
    const fake = await api.raw('/api/generate/image-to-image', { method: 'POST', body: form({ prompt: 'no' }, [{ data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), name: 'cat.png', type: 'image/png' }]) })
    expectApiError(fake, 415, 'UNSUPPORTED_MEDIA_TYPE')
    const gif = await api.raw('/api/generate/image-to-image', { method: 'POST', body: form({ prompt: 'no' }, [{ data: await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).gif().toBuffer(), name: 'a.png' }]) })
    expectApiError(gif, 415, 'UNSUPPORTED_MEDIA_TYPE')
    // A PNG header with nothing decodable after it.
    const truncated = (await png(64, 64)).subarray(0, 40)
    expectApiError(await api.raw('/api/generate/image-to-image', { method: 'POST', body: form({ prompt: 'no' }, [{ data: truncated }]) }), 415, 'UNSUPPORTED_MEDIA_TYPE')
    expect(upstream.requests.length).toBe(before + 1)
    expect(await balance(token)).toBe(2)
  })

  it('refuses files over 10 MB and over 40 megapixels with 413, before any credit is taken', async () => {
    const { api, token, user } = await signUp(server)
    const before = upstream.requests.length
    const big = Buffer.concat([await png(64, 64), Buffer.alloc(10 * 1024 * 1024 + 1)])
    expectApiError(await api.raw('/api/generate/image-to-image', { method: 'POST', body: form({ prompt: 'x' }, [{ data: big }]) }), 413, 'PAYLOAD_TOO_LARGE')
    const huge = await sharp({ create: { width: 7000, height: 6000, channels: 3, background: '#fff' } }).png({ compressionLevel: 9 }).toBuffer()
    expectApiError(await api.raw('/api/generate/image-to-image', { method: 'POST', body: form({ prompt: 'x' }, [{ data: huge }]) }), 413, 'PAYLOAD_TOO_LARGE')
    expect(upstream.requests.length).toBe(before)
    expect(await balance(token)).toBe(3)
    expect(jobsOf(server.dataDir, user.id)).toEqual([])
  })

  it('answers 400 for no image, more than three, or bad fields', async () => {
    const { api, token } = await signUp(server)
    const image = await png(32, 32)
    const cases = [
      form({ prompt: 'x' }, []),
      form({ prompt: 'x' }, [{ data: image }, { data: image }, { data: image }, { data: image }]),
      form({ prompt: '' }, [{ data: image }]),
      form({ prompt: 'x', size: '7:1' }, [{ data: image }]),
      form({ prompt: 'x', model: 'gpt-image-1' }, [{ data: image }]),
      form({}, [{ data: image }]),
    ]
    for (const body of cases) {
      expectApiError(await api.raw('/api/generate/image-to-image', { method: 'POST', body }), 400, 'VALIDATION_ERROR')
    }
    const none = await api.raw<{ error: { details: { fields: Record<string, string[]> } } }>('/api/generate/image-to-image', { method: 'POST', body: form({ prompt: 'x' }, []) })
    expect(Object.keys(none._data!.error.details.fields)).toContain('image')
    expect(await balance(token)).toBe(3)
  })

  it('answers 415 for a JSON body and refunds an upstream failure like text-to-image', async () => {
    const { api, token } = await signUp(server)
    expectApiError(await api.raw('/api/generate/image-to-image', { method: 'POST', body: { prompt: 'x' } }), 415, 'UNSUPPORTED_MEDIA_TYPE')
    const files = imageFiles(server.dataDir)
    upstream.queue.push({ kind: 'status', status: 500 })
    expectApiError(await api.raw('/api/generate/image-to-image', { method: 'POST', body: form({ prompt: 'x' }, [{ data: await png(32, 32) }]) }), 502, 'UPSTREAM_ERROR')
    expect(await balance(token)).toBe(3)
    expect(imageFilesAddedSince(server.dataDir, files)).toEqual([])
  })
})
