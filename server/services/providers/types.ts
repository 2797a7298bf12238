import type { GenerationKind, ModelId, Size } from '#shared/constants/catalog'

export interface InputImage {
  data: Buffer
  mime: 'image/png' | 'image/jpeg' | 'image/webp'
  filename: string
}

/** One picture to make: what the user asked for, as the generation service and the providers see it. */
export interface GenerationRequest {
  kind: GenerationKind
  prompt: string
  model: ModelId
  size: Size
  /** The reference images of an image-to-image request. */
  images?: InputImage[]
}

/** One way to reach an image model. Implementations return the image bytes, already downloaded. */
export interface ImageProvider {
  readonly name: 'openai' | 'demo'
  generate: (request: GenerationRequest) => Promise<Buffer>
}

export type ProviderErrorCode = 'CONTENT_REJECTED' | 'RATE_LIMITED' | 'UPSTREAM_ERROR' | 'UPSTREAM_TIMEOUT'

/** A failure of the model call, by cause; the generation service turns it into the API error of the same code. */
export class ProviderError extends Error {
  constructor(readonly code: ProviderErrorCode, message: string) {
    super(message)
    this.name = 'ProviderError'
  }
}
