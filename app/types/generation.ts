// The generation API as issue 3 defines it; the server's shared constants are the source of the values.
export type GenerationKind = 'text-to-image' | 'image-to-image'

export interface Creation {
  id: number
  userId: number
  prompt: string
  imageUrl: string
  thumbnailUrl: string
  modelUsed: string
  size: string
  kind: GenerationKind
  width: number
  height: number
  createdAt: string
}

export interface ModelInfo {
  id: string
  label: string
  cost: number
  supportsImageInput: boolean
}

export interface ModelsResponse {
  models: ModelInfo[]
  sizes: string[]
  provider: 'openai' | 'demo'
}

export interface GenerationResponse {
  creation: Creation
  credits: number
}

export interface GalleryPage {
  items: Creation[]
  nextCursor: string | null
}
