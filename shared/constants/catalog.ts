/** Aspect ratios Google documents for its image models, width:height. */
export const SIZES = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'] as const
export type Size = (typeof SIZES)[number]
export const DEFAULT_SIZE: Size = '1:1'

export const GENERATION_KINDS = ['text-to-image', 'image-to-image'] as const
export type GenerationKind = (typeof GENERATION_KINDS)[number]

/**
 * How a model is reached upstream: `images` (/v1/images/generations, and /v1/images/edits for
 * reference images), `images-generations` (reference images as data URLs in the `image` array of
 * /v1/images/generations) or `chat` (/v1/chat/completions with image and text modalities).
 */
export const UPSTREAM_MODES = ['images', 'images-generations', 'chat'] as const
export type UpstreamMode = (typeof UPSTREAM_MODES)[number]

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const
export type JobStatus = (typeof JOB_STATUSES)[number]
export const ACTIVE_JOB_STATUSES = ['queued', 'running'] as const satisfies readonly JobStatus[]

export const PROMPT_MAX_LENGTH = 4000
/** Pictures one request may ask for. */
export const MAX_BATCH = 4
/** What a model may take at most as reference images (Google's Pro model takes 14). */
export const MODEL_MAX_INPUT_IMAGES = 14
export const MAX_INPUT_IMAGES = 3
export const MAX_INPUT_IMAGE_BYTES = 10 * 1024 * 1024
export const MAX_INPUT_IMAGE_PIXELS = 40_000_000
/** Reference images are sent upstream with their long side at most this (the browser shrinks to it too). */
export const MAX_INPUT_IMAGE_SIDE = 2048
export const INPUT_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const

export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/
export const MODEL_COST_LIMIT = 1000

/** The catalogue a new installation starts with; admins change it on the admin page. */
export const SEED_MODELS = [
  { id: 'nano-banana', label: 'Nano Banana', upstreamModel: 'nano-banana', cost: 1, mode: 'images', maxInputImages: 3, sizes: [...SIZES], enabled: true, sortOrder: 10 },
  { id: 'nano-banana-hd', label: 'Nano Banana HD', upstreamModel: 'nano-banana-hd', cost: 2, mode: 'images', maxInputImages: 3, sizes: [...SIZES], enabled: true, sortOrder: 20 },
  { id: 'nano-banana-2', label: 'Nano Banana 2', upstreamModel: 'nano-banana-2', cost: 3, mode: 'images', maxInputImages: 3, sizes: [...SIZES], enabled: false, sortOrder: 30 },
  { id: 'nano-banana-pro', label: 'Nano Banana Pro', upstreamModel: 'nano-banana-pro', cost: 5, mode: 'images', maxInputImages: 3, sizes: [...SIZES], enabled: false, sortOrder: 40 },
] as const satisfies readonly { id: string, label: string, upstreamModel: string, cost: number, mode: UpstreamMode, maxInputImages: number, sizes: readonly Size[], enabled: boolean, sortOrder: number }[]

/** Width and height for an aspect ratio, with the long side given. */
export function dimensionsFor(size: Size, longSide = 1024): { width: number, height: number } {
  const [w, h] = size.split(':').map(Number) as [number, number]
  return w >= h
    ? { width: longSide, height: Math.round((longSide * h) / w) }
    : { width: Math.round((longSide * w) / h), height: longSide }
}
