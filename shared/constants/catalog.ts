import type { ModelInfo } from '../types/api'

export const MODEL_IDS = ['nano-banana', 'nano-banana-hd'] as const
export type ModelId = (typeof MODEL_IDS)[number]

/** The models people can pick, what each costs in credits, and whether it takes input images. */
export const MODELS: readonly (ModelInfo & { id: ModelId })[] = [
  { id: 'nano-banana', label: 'Nano Banana', cost: 1, supportsImageInput: true },
  { id: 'nano-banana-hd', label: 'Nano Banana HD', cost: 2, supportsImageInput: true },
]

export const DEFAULT_MODEL: ModelId = 'nano-banana'

/** Aspect ratios, width:height. */
export const SIZES = ['1:1', '2:3', '3:2', '3:4', '4:3', '9:16', '16:9'] as const
export type Size = (typeof SIZES)[number]
export const DEFAULT_SIZE: Size = '1:1'

export const GENERATION_KINDS = ['text-to-image', 'image-to-image'] as const
export type GenerationKind = (typeof GENERATION_KINDS)[number]

export const PROMPT_MAX_LENGTH = 4000
export const MAX_INPUT_IMAGES = 3
export const MAX_INPUT_IMAGE_BYTES = 10 * 1024 * 1024
export const MAX_INPUT_IMAGE_PIXELS = 40_000_000
export const INPUT_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const

export function modelInfo(id: ModelId): ModelInfo {
  return MODELS.find(m => m.id === id)!
}

/** Width and height for an aspect ratio, with the long side given. */
export function dimensionsFor(size: Size, longSide = 1024): { width: number, height: number } {
  const [w, h] = size.split(':').map(Number) as [number, number]
  return w >= h
    ? { width: longSide, height: Math.round((longSide * h) / w) }
    : { width: Math.round((longSide * w) / h), height: longSide }
}
