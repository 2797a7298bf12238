import type { Size, UpstreamMode } from '#shared/constants/catalog'
import { b64JsonField, findImage } from '#server/services/providers/answers'
import { Semaphore } from '#server/utils/semaphore'
import { AnswerTooLargeError, releaseAnswer, send, type UpstreamResponse } from '#server/services/providers/http'
import { ProviderError, type ImageProvider, type InputImage, type UpstreamRequest, type UpstreamResult } from '#server/services/providers/types'

export interface OpenAiProviderOptions {
  baseUrl: string
  apiKey: string
  timeoutMs: number
}

const SAFETY_CODES = new Set(['content_policy_violation', 'moderation_blocked'])
const MAX_IMAGE_BYTES = 50 * 1024 * 1024
/** An answer carrying such an image as base64, with room for the JSON around it. */
const MAX_ANSWER_BYTES = Math.ceil(MAX_IMAGE_BYTES * 4 / 3) + 1024 * 1024
/** Statuses with which a gateway says it does not serve this route for this model (nothing was billed). */
const ROUTE_REFUSED = new Set([403, 404, 405])

/** openai-hk takes nano-banana sizes as `16x9` for 16:9. */
export function upstreamSize(size: Size) {
  return size.replace(':', 'x')
}

interface UpstreamError { error?: { message?: string, type?: string, code?: string | null } }

// Answers read at once: the rest wait with their bytes in the socket, so a burst of pictures
// arriving together never holds hundreds of them in memory, nor the event loop for long.
const reading = new Semaphore(4)

class RouteRefused extends Error {}

function parse(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'))
  }
  catch {
    return undefined
  }
}

function isAbort(error: unknown) {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
}

const dataUrl = (image: InputImage) => `data:${image.mime};base64,${image.data.toString('base64')}`

/**
 * Any OpenAI-compatible gateway, in the way the model's catalogue entry says: `images` (generations,
 * and edits for reference images), `images-generations` (reference images as data URLs on
 * generations) or `chat` (chat completions with image output). No retries of a request that may
 * have reached the model — it may have been billed — except an edit the gateway refused outright.
 */
export function createOpenAiProvider(options: OpenAiProviderOptions): ImageProvider {
  /** The answer's bytes when it is a success; a failure as the ProviderError (or RouteRefused) it means. */
  async function call(path: string, body: Buffer | string, headers: Record<string, string>, signal: AbortSignal, refusable = false): Promise<Buffer> {
    let response: UpstreamResponse
    try {
      response = await send(`${options.baseUrl}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${options.apiKey}`, Accept: 'application/json', ...headers },
        body,
        signal,
        maxBytes: MAX_ANSWER_BYTES,
      })
    }
    catch (error) {
      if (isAbort(error)) throw new ProviderError('UPSTREAM_TIMEOUT', 'The image service did not answer in time.')
      throw new ProviderError('UPSTREAM_ERROR', 'The image service could not be reached.')
    }

    let bytes: Buffer
    try {
      bytes = await reading.run(response.bytes)
    }
    catch (error) {
      if (isAbort(error)) throw new ProviderError('UPSTREAM_TIMEOUT', 'The image service did not answer in time.')
      if (error instanceof AnswerTooLargeError) throw new ProviderError('UPSTREAM_ERROR', 'The image service answer is too large.')
      throw new ProviderError('UPSTREAM_ERROR', 'The image service answer was cut off.')
    }
    if (response.ok) return bytes

    const error = (parse(bytes) as UpstreamError | undefined)?.error
    releaseAnswer(bytes)
    if (error?.code && SAFETY_CODES.has(error.code)) throw new ProviderError('CONTENT_REJECTED', error.message ?? 'The request was rejected by the safety system.')
    if (response.status === 429) throw new ProviderError('RATE_LIMITED', 'The image service is busy. Try again shortly.')
    if (refusable && ROUTE_REFUSED.has(response.status)) throw new RouteRefused(`${path} answered ${response.status}`)
    throw new ProviderError('UPSTREAM_ERROR', `The image service answered ${response.status}.`)
  }

  async function download(url: string, signal: AbortSignal): Promise<Buffer> {
    let response: UpstreamResponse
    try {
      response = await send(url, { signal, maxBytes: MAX_IMAGE_BYTES })
    }
    catch (error) {
      if (isAbort(error)) throw new ProviderError('UPSTREAM_TIMEOUT', 'The image took too long to download.')
      throw new ProviderError('UPSTREAM_ERROR', 'The image could not be downloaded.')
    }
    try {
      const data = await response.bytes()
      if (!response.ok) throw new ProviderError('UPSTREAM_ERROR', `The image could not be downloaded (${response.status}).`)
      return data
    }
    catch (error) {
      if (error instanceof ProviderError) throw error
      if (isAbort(error)) throw new ProviderError('UPSTREAM_TIMEOUT', 'The image took too long to download.')
      if (error instanceof AnswerTooLargeError) throw new ProviderError('UPSTREAM_ERROR', 'The image is too large.')
      throw new ProviderError('UPSTREAM_ERROR', 'The image download was cut off.')
    }
  }

  /** The picture in any answer shape, downloaded at once when it is a URL (they expire within hours). */
  async function picture(answering: Promise<Buffer>, signal: AbortSignal, mode: UpstreamMode): Promise<UpstreamResult> {
    const answer = await answering
    const quick = b64JsonField(answer)
    // Decoded in the answer's memory, given back once the picture is stored.
    if (quick) return { image: quick, mode, release: () => releaseAnswer(answer) }
    const json = parse(answer)
    // What is needed of the answer is copied out of it now.
    releaseAnswer(answer)
    if (json === undefined || typeof json !== 'object' || json === null) throw new ProviderError('UPSTREAM_ERROR', 'The image service answer could not be read.')
    const found = findImage(json)
    if (found.kind === 'bytes') return { image: found.data, mode }
    if (found.kind === 'url') {
      // Read into a lent buffer like any answer, and given back the same way.
      const image = await download(found.url, signal)
      return { image, mode, release: () => releaseAnswer(image) }
    }
    if (found.kind === 'text') throw new ProviderError('CONTENT_REJECTED', found.text.slice(0, 500))
    throw new ProviderError('CONTENT_REJECTED', 'The model answered without an image.')
  }

  const json = { 'Content-Type': 'application/json' }

  function viaGenerations(request: UpstreamRequest, signal: AbortSignal) {
    const body = {
      model: request.upstreamModel,
      prompt: request.prompt,
      n: 1,
      size: upstreamSize(request.size),
      ...(request.images?.length ? { image: request.images.map(dataUrl) } : {}),
    }
    return call('/v1/images/generations', JSON.stringify(body), json, signal)
  }

  async function viaEdits(request: UpstreamRequest, signal: AbortSignal) {
    const form = new FormData()
    form.append('model', request.upstreamModel)
    form.append('prompt', request.prompt)
    form.append('n', '1')
    form.append('size', upstreamSize(request.size))
    // One file as `image`, several as `image[]`, as OpenAI's SDK sends them.
    const field = request.images!.length === 1 ? 'image' : 'image[]'
    for (const image of request.images!) form.append(field, new Blob([new Uint8Array(image.data)], { type: image.mime }), image.filename)
    // Encoded as fetch would send it (multipart with a boundary), then sent like the other calls.
    const encoded = new Response(form)
    const body = Buffer.from(await encoded.arrayBuffer())
    return call('/v1/images/edits', body, { 'Content-Type': encoded.headers.get('content-type')! }, signal, true)
  }

  function viaChat(request: UpstreamRequest, signal: AbortSignal) {
    const body = {
      model: request.upstreamModel,
      messages: [{
        role: 'user',
        content: [
          { type: 'text', text: request.prompt },
          ...(request.images ?? []).map(image => ({ type: 'image_url', image_url: { url: dataUrl(image) } })),
        ],
      }],
      // Without `modalities` some gateways answer in words only.
      modalities: ['image', 'text'],
      image_config: { aspect_ratio: request.size },
      stream: false,
    }
    return call('/v1/chat/completions', JSON.stringify(body), json, signal)
  }

  return {
    name: 'openai',
    async generate(request: UpstreamRequest): Promise<UpstreamResult> {
      const signal = AbortSignal.timeout(options.timeoutMs)
      if (request.mode === 'chat') return picture(viaChat(request, signal), signal, 'chat')
      if (request.mode === 'images-generations' || !request.images?.length) {
        return picture(viaGenerations(request, signal), signal, request.mode)
      }
      try {
        return await picture(viaEdits(request, signal), signal, 'images')
      }
      catch (error) {
        if (!(error instanceof RouteRefused)) throw error
        // Some gateways refuse edits for these models and take the references on generations.
        return picture(viaGenerations(request, signal), signal, 'images-generations')
      }
    },
  }
}
