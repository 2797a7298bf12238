import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream'

// The double is only worth something if it refuses what the real API refuses.
let upstream: FakeUpstream
beforeAll(async () => {
  upstream = await startFakeUpstream()
})
afterAll(() => upstream?.close())

async function post(path: string, body: BodyInit, headers: Record<string, string> = {}) {
  const res = await fetch(`${upstream.url}${path}`, { method: 'POST', body, headers: { Authorization: `Bearer ${upstream.apiKey}`, ...headers } })
  return { status: res.status, body: await res.json() as { error?: { code: string }, data?: unknown[] } }
}

describe('the fake upstream', () => {
  it('accepts a valid generation request and answers with an image', async () => {
    const res = await post('/v1/images/generations', JSON.stringify({ model: 'nano-banana', prompt: 'x', n: 1, size: '1x1' }), { 'Content-Type': 'application/json' })
    expect(res.status).toBe(200)
    expect(res.body.data).toHaveLength(1)
  })

  it.each([
    ['no prompt', { model: 'nano-banana', n: 1 }],
    ['n as text', { prompt: 'x', n: 'one' }],
    ['n of 11', { prompt: 'x', n: 11 }],
    ['an unknown response_format', { prompt: 'x', response_format: 'gif' }],
  ])('refuses a generation request with %s', async (_name, body) => {
    const res = await post('/v1/images/generations', JSON.stringify(body), { 'Content-Type': 'application/json' })
    expect(res.status).toBe(400)
    expect(upstream.requests.at(-1)!.schemaErrors.length).toBeGreaterThan(0)
  })

  it('refuses an edit without an image, or with several `image` parts', async () => {
    const none = new FormData()
    none.append('prompt', 'x')
    expect((await post('/v1/images/edits', none)).status).toBe(400)
    const doubled = new FormData()
    doubled.append('prompt', 'x')
    doubled.append('image', new Blob([new Uint8Array([1])]), 'a.png')
    doubled.append('image', new Blob([new Uint8Array([1])]), 'b.png')
    expect((await post('/v1/images/edits', doubled)).status).toBe(400)
  })

  it('refuses a wrong key with 401', async () => {
    const res = await fetch(`${upstream.url}/v1/images/generations`, { method: 'POST', body: '{"prompt":"x"}', headers: { 'Authorization': 'Bearer nope', 'Content-Type': 'application/json' } })
    expect(res.status).toBe(401)
  })
})
