import { describe, expect, it } from 'vitest'
import { b64JsonField, findImage } from '../../../../../server/services/providers/answers'

const png = Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
const b64 = png.toString('base64')
const dataUrl = `data:image/png;base64,${b64}`
const chat = (message: Record<string, unknown>) => ({ choices: [{ index: 0, message: { role: 'assistant', ...message } }] })

describe('finding the picture in a gateway\'s answer', () => {
  it.each([
    ['images API b64_json', { data: [{ b64_json: b64 }] }],
    ['chat message.images[].image_url.url', chat({ content: '', images: [{ type: 'image_url', image_url: { url: dataUrl } }] })],
    ['chat markdown data URL', chat({ content: `Sure!\n\n![image](${dataUrl})` })],
    ['chat content parts', chat({ content: [{ type: 'text', text: 'Here' }, { type: 'image_url', image_url: { url: dataUrl } }] })],
    ['chat text part holding markdown', chat({ content: [{ type: 'text', text: `![a](${dataUrl})` }] })],
    ['streamed delta', { choices: [{ delta: { content: `![x](${dataUrl})` } }] }],
  ])('reads the bytes from %s', (_name, answer) => {
    const found = findImage(answer)
    expect(found.kind).toBe('bytes')
    expect(found.kind === 'bytes' && found.data.equals(png)).toBe(true)
  })

  it.each([
    ['images API url', { data: [{ url: 'https://cdn.example.com/a.png?sig=1' }] }, 'https://cdn.example.com/a.png?sig=1'],
    ['chat markdown https URL', chat({ content: '![image](https://cdn.example.com/b.png)' }), 'https://cdn.example.com/b.png'],
    ['chat images with an https URL', chat({ images: [{ image_url: { url: 'https://cdn.example.com/c.webp' } }] }), 'https://cdn.example.com/c.webp'],
  ])('finds the URL to download in %s', (_name, answer, url) => {
    expect(findImage(answer)).toEqual({ kind: 'url', url })
  })

  it('returns the model\'s words when it answered without a picture, and nothing for an answer without either', () => {
    expect(findImage(chat({ content: 'I cannot help with that.' }))).toEqual({ kind: 'text', text: 'I cannot help with that.' })
    expect(findImage(chat({ content: [{ type: 'text', text: 'No.' }] }))).toEqual({ kind: 'text', text: 'No.' })
    for (const answer of [{ data: [] }, chat({ content: '' }), { choices: [] }, null, 'text', [1, 2], { data: [{ url: 'ftp://x' }] }]) {
      expect(findImage(answer).kind).toBe('none')
    }
  })
})

describe('reading b64_json without parsing the answer', () => {
  it('decodes the first b64_json value, whatever the spacing around its colon', () => {
    for (const text of [`{"data":[{"b64_json":"${b64}"}]}`, `{ "created": 1, "data": [ { "b64_json" : \n "${b64}" } ] }`]) {
      expect(b64JsonField(Buffer.from(text))?.equals(png)).toBe(true)
    }
  })

  it('decodes a value longer than one decoding slice (64 KB) to exactly the bytes sent, padding included', () => {
    for (const length of [200_000, 200_001, 200_002]) {
      const bytes = Buffer.from(Array.from({ length }, (_, i) => (i * 7919) % 256))
      expect(b64JsonField(Buffer.from(`{"data":[{"b64_json":"${bytes.toString('base64')}"}]}`))?.equals(bytes), String(length)).toBe(true)
    }
  })

  it('leaves anything less simple to the JSON parser', () => {
    for (const text of ['{"data":[{"url":"https://x"}]}', '{"data":[{"b64_json":""}]}', '{"data":[{"b64_json":null}]}', `{"data":[{"b64_json":"ab\\/cd"}]}`, '{"data":[{"b64_json":"unterminated']) {
      expect(b64JsonField(Buffer.from(text)), text).toBeUndefined()
    }
  })
})
