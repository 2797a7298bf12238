import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
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
  = | { kind: 'b64' }
    | { kind: 'url' } // an image URL that works once, then has expired (403)
    | { kind: 'url-403' } // an image URL that is already expired
    | { kind: 'status', status: number, code?: string, message?: string, type?: string }
    | { kind: 'hang' } // never answers
    | { kind: 'truncated' } // starts a JSON answer, then closes the connection
    | { kind: 'empty' } // 200 with `data: []`
    | { kind: 'not-image' } // b64_json that is not an image
    | { kind: 'delay', ms: number, then: Behaviour }

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
  /** How often the image URLs handed out were fetched. */
  fileFetches: number
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

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify(body))
}

function openAiError(res: ServerResponse, status: number, message: string, type: string, code: string | null) {
  sendJson(res, status, { error: { message, type, param: null, code } })
}

export async function startFakeUpstream(apiKey = 'sk-test-fake-upstream'): Promise<FakeUpstream> {
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
    fileFetches: 0,
    close: async () => {
      for (const res of hanging) res.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    },
  }

  async function answer(res: ServerResponse, behaviour: Behaviour, size: unknown): Promise<void> {
    switch (behaviour.kind) {
      case 'delay':
        await new Promise(r => setTimeout(r, behaviour.ms))
        return answer(res, behaviour.then, size)
      case 'b64':
        return sendJson(res, 200, { created: Math.floor(Date.now() / 1000), data: [{ b64_json: (await imageFor(size)).toString('base64') }] })
      case 'url':
      case 'url-403': {
        const id = `img-${++fileCounter}`
        files.set(id, { data: await imageFor(size), fetched: false, expired: behaviour.kind === 'url-403' })
        return sendJson(res, 200, { created: Math.floor(Date.now() / 1000), data: [{ url: `${state.url}/files/${id}.png` }] })
      }
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
      case 'not-image':
        return sendJson(res, 200, { created: Math.floor(Date.now() / 1000), data: [{ b64_json: Buffer.from('definitely not an image').toString('base64') }] })
    }
  }

  const server: Server = createServer(async (req, res) => {
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

    if (req.method !== 'POST' || (path !== '/v1/images/generations' && path !== '/v1/images/edits')) {
      return openAiError(res, 404, `Unknown route ${req.method} ${path}`, 'invalid_request_error', null)
    }
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return openAiError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key')
    }

    if (path === '/v1/images/generations') {
      if (!/^application\/json\b/.test(record.contentType ?? '')) record.schemaErrors.push('content-type is not application/json')
      try {
        record.fields = JSON.parse(body.toString('utf8')) as Record<string, unknown>
      }
      catch {
        record.schemaErrors.push('body is not JSON')
      }
      record.schemaErrors.push(...errorsOf(generation, record.fields))
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
    await answer(res, state.queue.shift() ?? state.fallback, record.fields.size)
  })

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
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
