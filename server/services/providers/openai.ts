import type { Size } from '#shared/constants/catalog'
import { ProviderError, type GenerationRequest, type ImageProvider } from '#server/services/providers/types'

export interface OpenAiProviderOptions {
  baseUrl: string
  apiKey: string
  timeoutMs: number
}

const SAFETY_CODES = new Set(['content_policy_violation', 'moderation_blocked'])
const MAX_IMAGE_BYTES = 50 * 1024 * 1024

/** openai-hk takes nano-banana sizes as `16x9` for 16:9. */
export function upstreamSize(size: Size) {
  return size.replace(':', 'x')
}

interface UpstreamError { error?: { message?: string, type?: string, code?: string | null } }
interface UpstreamImages { data?: { b64_json?: string, url?: string }[] }

function isAbort(error: unknown) {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
}

/**
 * Any OpenAI-compatible images API: JSON to /v1/images/generations, multipart to /v1/images/edits.
 * No retries: a request that may have reached the model may have been billed.
 */
export function createOpenAiProvider(options: OpenAiProviderOptions): ImageProvider {
  async function call(path: string, body: BodyInit, headers: Record<string, string>, signal: AbortSignal) {
    let response: Response
    try {
      response = await fetch(`${options.baseUrl}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${options.apiKey}`, Accept: 'application/json', ...headers },
        body,
        signal,
      })
    }
    catch (error) {
      if (isAbort(error)) throw new ProviderError('UPSTREAM_TIMEOUT', 'The image service did not answer in time.')
      throw new ProviderError('UPSTREAM_ERROR', 'The image service could not be reached.')
    }

    let text: string
    try {
      text = await response.text()
    }
    catch (error) {
      if (isAbort(error)) throw new ProviderError('UPSTREAM_TIMEOUT', 'The image service did not answer in time.')
      throw new ProviderError('UPSTREAM_ERROR', 'The image service answer was cut off.')
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    }
    catch {
      json = undefined
    }

    if (!response.ok) {
      const error = (json as UpstreamError | undefined)?.error
      if (error?.code && SAFETY_CODES.has(error.code)) throw new ProviderError('CONTENT_REJECTED', error.message ?? 'The request was rejected by the safety system.')
      if (response.status === 429) throw new ProviderError('RATE_LIMITED', 'The image service is busy. Try again shortly.')
      throw new ProviderError('UPSTREAM_ERROR', `The image service answered ${response.status}.`)
    }
    if (json === undefined || typeof json !== 'object' || json === null) {
      throw new ProviderError('UPSTREAM_ERROR', 'The image service answer could not be read.')
    }
    return json as UpstreamImages
  }

  async function download(url: string, signal: AbortSignal): Promise<Buffer> {
    let response: Response
    try {
      response = await fetch(url, { signal })
    }
    catch (error) {
      if (isAbort(error)) throw new ProviderError('UPSTREAM_TIMEOUT', 'The image took too long to download.')
      throw new ProviderError('UPSTREAM_ERROR', 'The image could not be downloaded.')
    }
    if (!response.ok) throw new ProviderError('UPSTREAM_ERROR', `The image could not be downloaded (${response.status}).`)
    const length = Number(response.headers.get('content-length') ?? 0)
    if (length > MAX_IMAGE_BYTES) throw new ProviderError('UPSTREAM_ERROR', 'The image is too large.')
    try {
      const data = Buffer.from(await response.arrayBuffer())
      if (data.length > MAX_IMAGE_BYTES) throw new ProviderError('UPSTREAM_ERROR', 'The image is too large.')
      return data
    }
    catch (error) {
      if (error instanceof ProviderError) throw error
      if (isAbort(error)) throw new ProviderError('UPSTREAM_TIMEOUT', 'The image took too long to download.')
      throw new ProviderError('UPSTREAM_ERROR', 'The image download was cut off.')
    }
  }

  return {
    name: 'openai',
    async generate(request: GenerationRequest) {
      const signal = AbortSignal.timeout(options.timeoutMs)
      let answer: UpstreamImages
      if (request.images?.length) {
        const form = new FormData()
        form.append('model', request.model)
        form.append('prompt', request.prompt)
        form.append('n', '1')
        form.append('size', upstreamSize(request.size))
        // One file as `image`, several as `image[]`, as OpenAI's SDK sends them.
        const field = request.images.length === 1 ? 'image' : 'image[]'
        for (const image of request.images) {
          form.append(field, new Blob([new Uint8Array(image.data)], { type: image.mime }), image.filename)
        }
        answer = await call('/v1/images/edits', form, {}, signal)
      }
      else {
        const body = JSON.stringify({ model: request.model, prompt: request.prompt, n: 1, size: upstreamSize(request.size) })
        answer = await call('/v1/images/generations', body, { 'Content-Type': 'application/json' }, signal)
      }

      const first = Array.isArray(answer.data) ? answer.data[0] : undefined
      if (first?.b64_json) return Buffer.from(first.b64_json, 'base64')
      // URLs expire within the hour: fetch it now, within the same time budget.
      if (first?.url) return download(first.url, signal)
      throw new ProviderError('CONTENT_REJECTED', 'The model answered without an image.')
    },
  }
}
