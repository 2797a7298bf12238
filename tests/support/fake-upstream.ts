import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { Ajv, type ValidateFunction } from 'ajv'
import sharp from 'sharp'
import { ROOT } from './server'

/**
 * A stand-in for an OpenAI-compatible images API, over real HTTP. Every request is checked against
 * the official OpenAPI extract (tests/fixtures/openai-images.openapi.json, a copy of
 * shared/upstream/openai-images.openapi.json kept in the repository so a clone alone can test) and recorded; the answer
 * is chosen per test, including each way the real service fails.
 */
export type Behaviour
  = | { kind: 'b64', noise?: number } // `noise`: a picture of random pixels this many pixels square, unlike any other
    | { kind: 'url' } // an image URL that works once, then has expired (403)
    | { kind: 'url-403' } // an image URL that is already expired
    | { kind: 'status', status: number, code?: string, message?: string, type?: string }
    | { kind: 'hang' } // never answers
    | { kind: 'truncated' } // starts a JSON answer, then closes the connection
    | { kind: 'empty' } // 200 with `data: []`
    | { kind: 'gzip' } // b64_json, the answer gzip-compressed although the caller asked for it uncompressed
    | { kind: 'oversized' } // declares an answer larger than any picture needs, then sends a little of it
    | { kind: 'not-image' } // b64_json that is not an image
    | { kind: 'delay', ms: number, then: Behaviour }
    // Chat completions' answer shapes (gateways differ; shared/upstream/GATEWAYS.md).
    | { kind: 'chat-images' } // message.images[].image_url.url, a data: URL (OpenRouter, LiteLLM)
    | { kind: 'chat-markdown' } // markdown data: URL in message.content (new-api and others)
    | { kind: 'chat-markdown-url' } // markdown https URL in message.content
    | { kind: 'chat-parts' } // content as parts, one of them an image_url
    | { kind: 'text', text: string } // words, no picture (a safety refusal, or the model chatting)

interface RecordedFile { field: string, filename: string, type: string, data: Buffer }
interface RecordedRequest {
  method: string
  path: string
  authorization?: string
  contentType?: string
  /** The JSON body, or the multipart text fields. */
  fields: Record<string, unknown>
  files: RecordedFile[]
  /** Schema violations found against the OpenAPI extract (empty when the request is valid). */
  schemaErrors: string[]
}

export interface FakeUpstream {
  url: string
  apiKey: string
  requests: RecordedRequest[]
  /** Answers for the next requests, in order; when none is queued, `fallback`. */
  queue: Behaviour[]
  fallback: Behaviour
  /** The pictures answered as b64_json by the images API, in order. */
  pictures: Buffer[]
  /** How often the image URLs handed out were fetched. */
  fileFetches: number
  /** Like one widely used gateway: /v1/images/edits answers 403 for these models. */
  refuseEdits: boolean
  /** Model requests being answered right now, and the most at once so far. */
  inFlight: number
  maxInFlight: number
  close: () => Promise<void>
}

/** OpenAPI 3.0 `nullable` as JSON Schema: null becomes one more allowed value. */
function withNulls(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withNulls)
  if (!node || typeof node !== 'object') return node
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node)) if (key !== 'nullable') out[key] = withNulls(value)
  if ((node as { nullable?: boolean }).nullable) {
    if (typeof out.type === 'string') out.type = [out.type, 'null']
    else if (Array.isArray(out.anyOf)) out.anyOf = [...out.anyOf, { type: 'null' }]
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null]
  }
  return out
}

const spec = withNulls(JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/openai-images.openapi.json'), 'utf8'))) as Record<string, unknown>

function validators() {
  // x- extensions are not JSON Schema and formats are informative: neither is enforced.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, coerceTypes: false })
  ajv.addSchema(spec, 'openai')
  const multipart = new Ajv({ strict: false, allErrors: true, validateFormats: false, coerceTypes: true })
  multipart.addSchema(spec, 'openai')
  return {
    generation: ajv.getSchema('openai#/components/schemas/CreateImageRequest')!,
    edit: multipart.getSchema('openai#/components/schemas/CreateImageEditRequest')!,
  }
}

function errorsOf(validate: ValidateFunction, data: unknown): string[] {
  return validate(data) ? [] : (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message ?? ''}`)
}

/** `1024x1024`, `16x9`: the ratio the caller asked for, as a real image of that shape. */
async function imageFor(size: unknown): Promise<Buffer> {
  const match = typeof size === 'string' ? /^(\d+)x(\d+)$/.exec(size) : null
  let [w, h] = match ? [Number(match[1]), Number(match[2])] : [1, 1]
  const scale = 256 / Math.max(w, h)
  ;[w, h] = [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))]
  return sharp({ create: { width: w, height: h, channels: 3, background: { r: 240, g: 190, b: 40 } } }).png().toBuffer()
}

function noiseImage(side: number): Promise<Buffer> {
  return sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).png().toBuffer()
}

const dataUrlPattern = /^data:(image\/[\w.+-]+);base64,([A-Za-z0-9+/=]+)$/

function decodeDataUrl(field: string, url: string): RecordedFile {
  const match = dataUrlPattern.exec(url)
  return { field, filename: '', type: match?.[1] ?? '', data: Buffer.from(match?.[2] ?? '', 'base64') }
}

/** What an OpenAI-compatible chat completion needs: a model, and user messages with text and image parts. */
function chatErrors(body: Record<string, unknown>): string[] {
  const errors: string[] = []
  if (typeof body.model !== 'string' || !body.model) errors.push('model is required')
  const messages = body.messages
  if (!Array.isArray(messages) || !messages.length) return [...errors, 'messages must be a non-empty array']
  for (const message of messages as { role?: unknown, content?: unknown }[]) {
    if (!['system', 'user', 'assistant'].includes(String(message.role))) errors.push(`role ${String(message.role)} is not valid`)
    const content = message.content
    if (typeof content === 'string') continue
    if (!Array.isArray(content)) {
      errors.push('content must be a string or an array of parts')
      continue
    }
    for (const part of content as { type?: string, text?: unknown, image_url?: { url?: unknown } }[]) {
      if (part.type === 'text' && typeof part.text !== 'string') errors.push('a text part needs text')
      else if (part.type === 'image_url' && !(typeof part.image_url?.url === 'string' && dataUrlPattern.test(part.image_url.url))) errors.push('an image_url part needs a data: URL')
      else if (part.type !== 'text' && part.type !== 'image_url') errors.push(`unknown part type ${String(part.type)}`)
    }
  }
  return errors
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** `declared`: with a Content-Length, as most gateways send; else chunked. */
function sendJson(res: ServerResponse, status: number, body: unknown, declared = false) {
  const text = Buffer.from(JSON.stringify(body))
  res.writeHead(status, { 'Content-Type': 'application/json', ...(declared ? { 'Content-Length': text.length } : {}) })
  res.end(text)
}

function openAiError(res: ServerResponse, status: number, message: string, type: string, code: string | null) {
  sendJson(res, status, { error: { message, type, param: null, code } })
}

/** `tls`: served over HTTPS with this certificate (as every real gateway is), at https://localhost. */
export async function startFakeUpstream(apiKey = 'sk-test-fake-upstream', options: { tls?: { certFile: string, keyFile: string } } = {}): Promise<FakeUpstream> {
  const { generation, edit } = validators()
  const files = new Map<string, { data: Buffer, fetched: boolean, expired: boolean }>()
  const hanging = new Set<ServerResponse>()
  let fileCounter = 0

  const state: FakeUpstream = {
    url: '',
    apiKey,
    requests: [],
    queue: [],
    fallback: { kind: 'b64' },
    pictures: [],
    fileFetches: 0,
    refuseEdits: false,
    inFlight: 0,
    maxInFlight: 0,
    close: async () => {
      for (const res of hanging) res.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    },
  }

  async function fileUrl(size: unknown, expired = false) {
    const id = `img-${++fileCounter}`
    files.set(id, { data: await imageFor(size), fetched: false, expired })
    return `${state.url}/files/${id}.png`
  }

  async function dataUrl(size: unknown) {
    return `data:image/png;base64,${(await imageFor(size)).toString('base64')}`
  }

  function chat(res: ServerResponse, message: Record<string, unknown>) {
    return sendJson(res, 200, { id: 'chatcmpl-fake', object: 'chat.completion', created: Math.floor(Date.now() / 1000), choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', ...message } }] })
  }

  /** The picture in the shape of a chat completion: images-API behaviours get their chat equivalent. */
  async function answerChat(res: ServerResponse, behaviour: Behaviour, size: unknown): Promise<void> {
    switch (behaviour.kind) {
      case 'b64':
      case 'chat-images':
        return chat(res, { content: '', images: [{ type: 'image_url', image_url: { url: await dataUrl(size) } }] })
      case 'chat-markdown':
        return chat(res, { content: `Here is your picture:\n\n![image](${await dataUrl(size)})` })
      case 'url':
      case 'chat-markdown-url':
        return chat(res, { content: `![image](${await fileUrl(size)})` })
      case 'chat-parts':
        return chat(res, { content: [{ type: 'text', text: 'Here you go.' }, { type: 'image_url', image_url: { url: await dataUrl(size) } }] })
      case 'text':
        return chat(res, { content: behaviour.text })
      case 'empty':
        return chat(res, { content: '' })
      default:
        return answer(res, behaviour, size, true)
    }
  }

  async function answer(res: ServerResponse, behaviour: Behaviour, size: unknown, isChat = false): Promise<void> {
    switch (behaviour.kind) {
      case 'delay':
        await new Promise(r => setTimeout(r, behaviour.ms))
        return isChat ? answerChat(res, behaviour.then, size) : answer(res, behaviour.then, size)
      case 'chat-images':
      case 'chat-markdown':
      case 'chat-markdown-url':
      case 'chat-parts':
        return openAiError(res, 500, `${behaviour.kind} is a chat answer`, 'server_error', null)
      case 'text':
        // The images API has no place for words: the picture is simply missing.
        return sendJson(res, 200, { created: Math.floor(Date.now() / 1000), data: [] })
      case 'b64': {
        const picture = behaviour.noise ? await noiseImage(behaviour.noise) : await imageFor(size)
        state.pictures.push(picture)
        return sendJson(res, 200, { created: Math.floor(Date.now() / 1000), data: [{ b64_json: picture.toString('base64') }] }, Boolean(behaviour.noise))
      }
      case 'url':
      case 'url-403':
        return sendJson(res, 200, { created: Math.floor(Date.now() / 1000), data: [{ url: await fileUrl(size, behaviour.kind === 'url-403') }] })
      case 'status':
        return openAiError(res, behaviour.status, behaviour.message ?? `upstream ${behaviour.status}`, behaviour.type ?? 'server_error', behaviour.code ?? null)
      case 'hang':
        hanging.add(res)
        res.on('close', () => hanging.delete(res))
        return
      case 'truncated':
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.write('{"created": 1, "data": [{"b64_json": "iVBORw0KGgo')
        res.socket?.destroySoon()
        return
      case 'empty':
        return sendJson(res, 200, { created: Math.floor(Date.now() / 1000), data: [] })
      case 'gzip': {
        const json = JSON.stringify({ created: Math.floor(Date.now() / 1000), data: [{ b64_json: (await imageFor(size)).toString('base64') }] })
        const compressed = gzipSync(json)
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'Content-Length': String(compressed.length) })
        res.end(compressed)
        return
      }
      case 'oversized':
        hanging.add(res)
        res.on('close', () => hanging.delete(res))
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(200 * 1024 * 1024) })
        res.write('{"created": 1, "data": [{"b64_json": "iVBORw0KGgo')
        return
      case 'not-image':
        return sendJson(res, 200, { created: Math.floor(Date.now() / 1000), data: [{ b64_json: Buffer.from('definitely not an image').toString('base64') }] })
    }
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!
    if (req.method === 'GET' && path.startsWith('/files/')) {
      state.fileFetches++
      const file = files.get(path.slice('/files/'.length).replace(/\.png$/, ''))
      // Signed URLs of the real service expire: here, after the first download.
      if (!file || file.expired || file.fetched) {
        res.writeHead(403, { 'Content-Type': 'application/xml' })
        res.end('<Error><Code>AuthenticationFailed</Code></Error>')
        return
      }
      file.fetched = true
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': String(file.data.length) })
      res.end(file.data)
      return
    }

    const body = await readBody(req)
    const record: RecordedRequest = {
      method: req.method ?? '',
      path,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      fields: {},
      files: [],
      schemaErrors: [],
    }
    state.requests.push(record)

    if (req.method !== 'POST' || !['/v1/images/generations', '/v1/images/edits', '/v1/chat/completions'].includes(path)) {
      return openAiError(res, 404, `Unknown route ${req.method} ${path}`, 'invalid_request_error', null)
    }
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return openAiError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key')
    }

    if (path === '/v1/images/edits' && state.refuseEdits) {
      return openAiError(res, 403, 'This model is not available on /v1/images/edits; send reference images to /v1/images/generations.', 'invalid_request_error', 'model_not_supported')
    }
    if (path === '/v1/images/generations' || path === '/v1/chat/completions') {
      if (!/^application\/json\b/.test(record.contentType ?? '')) record.schemaErrors.push('content-type is not application/json')
      try {
        record.fields = JSON.parse(body.toString('utf8')) as Record<string, unknown>
      }
      catch {
        record.schemaErrors.push('body is not JSON')
      }
    }
    if (path === '/v1/images/generations') {
      // Reference images, where a gateway takes them on this route: data URLs in an `image` array.
      const references = record.fields.image
      if (references !== undefined) {
        if (!Array.isArray(references) || !references.every(r => typeof r === 'string' && dataUrlPattern.test(r))) record.schemaErrors.push('image must be an array of data URLs')
        else record.files.push(...references.map(url => decodeDataUrl('image', url)))
      }
      const { image: _references, ...rest } = record.fields
      record.schemaErrors.push(...errorsOf(generation, rest))
    }
    else if (path === '/v1/chat/completions') {
      record.schemaErrors.push(...chatErrors(record.fields))
      const parts = ((record.fields.messages as { content?: unknown }[] | undefined)?.[0]?.content ?? []) as { type?: string, image_url?: { url?: string } }[]
      for (const part of Array.isArray(parts) ? parts : []) {
        if (part.type === 'image_url' && typeof part.image_url?.url === 'string') record.files.push(decodeDataUrl('image_url', part.image_url.url))
      }
    }
    else {
      if (!/^multipart\/form-data\b/.test(record.contentType ?? '')) record.schemaErrors.push('content-type is not multipart/form-data')
      try {
        const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': record.contentType ?? '' }, body: new Uint8Array(body) }).formData()
        const asSchema: Record<string, unknown> = {}
        for (const [field, value] of form.entries()) {
          if (typeof value === 'string') {
            record.fields[field] = value
            asSchema[field] = value
          }
          else {
            record.files.push({ field, filename: value.name, type: value.type, data: Buffer.from(await value.arrayBuffer()) })
          }
        }
        // How OpenAI reads it: one `image` part, or `image[]` parts as the array form.
        const single = record.files.filter(f => f.field === 'image')
        const many = record.files.filter(f => f.field === 'image[]')
        if (single.length > 1) record.schemaErrors.push('several `image` parts: use `image[]` for more than one')
        if (single.length && many.length) record.schemaErrors.push('both `image` and `image[]` parts')
        if (single.length === 1) asSchema.image = '<binary>'
        if (many.length) asSchema.image = many.map(() => '<binary>')
        record.schemaErrors.push(...errorsOf(edit, asSchema))
      }
      catch {
        record.schemaErrors.push('body is not valid multipart/form-data')
      }
    }

    if (record.schemaErrors.length) {
      return openAiError(res, 400, `Invalid request: ${record.schemaErrors.join('; ')}`, 'invalid_request_error', 'invalid_request')
    }
    state.inFlight++
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight)
    res.once('close', () => state.inFlight--)
    const behaviour = state.queue.shift() ?? state.fallback
    if (path !== '/v1/chat/completions') return answer(res, behaviour, record.fields.size)
    // Without image output asked for, some gateways answer in words only.
    const modalities = record.fields.modalities
    if (!Array.isArray(modalities) || !modalities.includes('image')) return answerChat(res, { kind: 'text', text: 'I can only describe the picture.' }, undefined)
    const ratio = (record.fields.image_config as { aspect_ratio?: string } | undefined)?.aspect_ratio
    await answerChat(res, behaviour, typeof ratio === 'string' ? ratio.replace(':', 'x') : '1x1')
  }
  const { tls } = options
  const server: Server = tls
    ? createHttpsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, (req, res) => void handle(req, res))
    : createServer((req, res) => void handle(req, res))

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
  state.url = `${tls ? 'https://localhost' : 'http://127.0.0.1'}:${(server.address() as AddressInfo).port}`
  return state
}

/** The server settings that point the app at this fake upstream. */
export function upstreamEnv(upstream: FakeUpstream, timeoutMs = 120_000): Record<string, string> {
  return {
    NUXT_IMAGE_PROVIDER: 'openai',
    NUXT_IMAGE_API_BASE_URL: upstream.url,
    NUXT_IMAGE_API_KEY: upstream.apiKey,
    NUXT_IMAGE_API_TIMEOUT_MS: String(timeoutMs),
  }
}
