import type { ModelId, Size } from '#shared/constants/catalog'

export interface InputImage {
  data: Buffer
  mime: 'image/png' | 'image/jpeg' | 'image/webp'
  filename: string
}

export interface GenerateRequest {
  prompt: string
  model: ModelId
  size: Size
  /** Image-to-image when present. */
  images?: InputImage[]
}

/** One way to reach an image model. Implementations return the image bytes, already downloaded. */
export interface ImageProvider {
  readonly name: 'openai' | 'demo'
  generate: (request: GenerateRequest) => Promise<Buffer>
}

export type ProviderErrorCode = 'CONTENT_REJECTED' | 'RATE_LIMITED' | 'UPSTREAM_ERROR' | 'UPSTREAM_TIMEOUT'

/** A failure of the model call, by cause; the generation service turns it into the API error of the same code. */
export class ProviderError extends Error {
  constructor(readonly code: ProviderErrorCode, message: string) {
    super(message)
    this.name = 'ProviderError'
  }
}
