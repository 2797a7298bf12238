import type { GenerationKind, Size, UpstreamMode } from '#shared/constants/catalog'

export interface InputImage {
  data: Buffer
  mime: 'image/png' | 'image/jpeg' | 'image/webp'
  filename: string
}

/** One generation as the user asked for it: the generation service's input. */
export interface GenerationRequest {
  kind: GenerationKind
  prompt: string
  /** The catalogue's public model id; the first enabled model when absent. */
  model?: string
  size?: Size
  /** Pictures to make (1–4). */
  n: number
  /** The reference images of an image-to-image request. */
  images?: InputImage[]
}

/** One picture, as a provider is asked for it: the gateway's model name and how to reach it. */
export interface UpstreamRequest {
  prompt: string
  size: Size
  upstreamModel: string
  mode: UpstreamMode
  images?: InputImage[]
}

export interface UpstreamResult {
  image: Buffer
  /**
   * Called once the image is stored: its memory may then be reused for the next answer, so the image
   * must not be read afterwards. Absent when the image is a buffer of its own.
   */
  release?: () => void
  /** The way that worked: differs from the request's when a refused edit was retried another way. */
  mode: UpstreamMode
}

/** One way to reach an image model. Implementations return the image bytes, already downloaded. */
export interface ImageProvider {
  readonly name: 'openai' | 'demo'
  generate: (request: UpstreamRequest) => Promise<UpstreamResult>
}

export type ProviderErrorCode = 'CONTENT_REJECTED' | 'RATE_LIMITED' | 'UPSTREAM_ERROR' | 'UPSTREAM_TIMEOUT'

/** A failure of the model call, by cause; the generation service turns it into the API error of the same code. */
export class ProviderError extends Error {
  constructor(readonly code: ProviderErrorCode, message: string) {
    super(message)
    this.name = 'ProviderError'
  }
}
