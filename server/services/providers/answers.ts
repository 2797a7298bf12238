/**
 * Where the picture is in an OpenAI-compatible gateway's answer. Gateways put it in different
 * places (shared/upstream/GATEWAYS.md): `data[].b64_json` or `data[].url` on the images API;
 * `message.images[].image_url.url`, markdown image links in `message.content`, or content parts on
 * chat completions. An answer with words but no picture is the model declining.
 */
export type FoundImage
  = | { kind: 'bytes', data: Buffer }
    | { kind: 'url', url: string }
    | { kind: 'text', text: string }
    | { kind: 'none' }

const DATA_URL = /^data:image\/[\w.+-]+;base64,([A-Za-z0-9+/=\s]+)$/
const MARKDOWN_IMAGE = /!\[[^\]]*\]\(\s*(data:image\/[\w.+-]+;base64,[A-Za-z0-9+/=]+|https?:\/\/[^\s)]+)\s*\)/
const BARE_DATA_URL = /data:image\/[\w.+-]+;base64,[A-Za-z0-9+/=]{16,}/

type Json = Record<string, unknown>
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])

/** A data: URL's bytes, or a http(s) URL to fetch. */
function fromUrl(url: unknown): FoundImage | undefined {
  if (typeof url !== 'string') return undefined
  const data = DATA_URL.exec(url.trim())
  if (data) return { kind: 'bytes', data: Buffer.from(data[1]!, 'base64') }
  if (/^https?:\/\//i.test(url.trim())) return { kind: 'url', url: url.trim() }
  return undefined
}

/** A picture inside text: a markdown image link, or a bare data: URL. */
function fromText(text: string): FoundImage | undefined {
  const markdown = MARKDOWN_IMAGE.exec(text)
  if (markdown) return fromUrl(markdown[1])
  const bare = BARE_DATA_URL.exec(text)
  return bare ? fromUrl(bare[0]) : undefined
}

function fromImagesApi(answer: Json): FoundImage | undefined {
  for (const item of asArray(answer.data)) {
    if (!isObject(item)) continue
    if (typeof item.b64_json === 'string' && item.b64_json) return { kind: 'bytes', data: Buffer.from(item.b64_json, 'base64') }
    const url = fromUrl(item.url)
    if (url) return url
  }
  return undefined
}

function fromChat(answer: Json): FoundImage | undefined {
  const texts: string[] = []
  for (const choice of asArray(answer.choices)) {
    const message = isObject(choice) ? (isObject(choice.message) ? choice.message : isObject(choice.delta) ? choice.delta : undefined) : undefined
    if (!message) continue
    for (const image of asArray(message.images)) {
      if (!isObject(image)) continue
      const found = fromUrl(isObject(image.image_url) ? image.image_url.url : image.url)
      if (found) return found
    }
    const content = message.content
    if (typeof content === 'string') {
      const found = fromText(content)
      if (found) return found
      if (content.trim()) texts.push(content.trim())
    }
    for (const part of asArray(content)) {
      if (!isObject(part)) continue
      const found = part.type === 'image_url' || isObject(part.image_url)
        ? fromUrl(isObject(part.image_url) ? part.image_url.url : part.image_url)
        : typeof part.b64_json === 'string' ? { kind: 'bytes' as const, data: Buffer.from(part.b64_json, 'base64') } : undefined
      if (found) return found
      if (typeof part.text === 'string') {
        const inText = fromText(part.text)
        if (inText) return inText
        if (part.text.trim()) texts.push(part.text.trim())
      }
    }
  }
  return texts.length ? { kind: 'text', text: texts.join('\n') } : undefined
}

export function findImage(answer: unknown): FoundImage {
  if (!isObject(answer)) return { kind: 'none' }
  return fromImagesApi(answer) ?? fromChat(answer) ?? { kind: 'none' }
}

const B64_KEY = Buffer.from('"b64_json"')
const QUOTE = 0x22
const BACKSLASH = 0x5C
// Decoded a slice at a time (a multiple of 4 characters, so every slice is whole base64): a 2.6 MB
// string per picture would sit in V8's old generation until a full collection, which a burst of
// hundreds of pictures turned into seconds of GC; 64 KB strings die young.
const SLICE = 64 * 1024

/**
 * The images API's usual answer, read without parsing it: the first `"b64_json": "…"` value, decoded
 * **into the answer's own memory** (the picture is a view of its first bytes; the rest of the answer
 * is overwritten). A 1024² picture is a 2–3 MB answer; skipping JSON.parse, its string copies and a
 * second buffer keeps the event loop and memory free when hundreds arrive at once. Undefined, with
 * the answer untouched, when it is not that simple (no such field, or escapes in it): then it is
 * parsed as JSON.
 */
export function b64JsonField(answer: Buffer): Buffer | undefined {
  const key = answer.indexOf(B64_KEY)
  if (key < 0) return undefined
  let i = key + B64_KEY.length
  while (i < answer.length && answer[i] !== QUOTE) {
    // Only white space and the colon may stand between the key and its string.
    if (answer[i] !== 0x3A && answer[i] !== 0x20 && answer[i] !== 0x0A && answer[i] !== 0x0D && answer[i] !== 0x09) return undefined
    i++
  }
  const start = i + 1
  const end = answer.indexOf(QUOTE, start)
  if (i >= answer.length || end < 0 || end === start) return undefined
  if (answer.subarray(start, end).includes(BACKSLASH)) return undefined
  // Each slice is copied into a string before its bytes are written, and the bytes written so far
  // (three for every four characters read) never reach the next slice's characters.
  let written = 0
  for (let at = start; at < end; at += SLICE) written += answer.write(answer.toString('latin1', at, Math.min(end, at + SLICE)), written, 'base64')
  return answer.subarray(0, written)
}
