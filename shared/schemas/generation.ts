import { z } from './zod'
import { GENERATION_KINDS, MAX_BATCH, PROMPT_MAX_LENGTH, SIZES } from '../constants/catalog'

/** A whole number sent as JSON or as a form field's text. */
const count = (max: number) => z.union([z.number(), z.string().trim().regex(/^\d{1,2}$/).transform(Number)]).pipe(z.number().int().min(1).max(max))

/**
 * What a generation asks for: the JSON body of text-to-image, and the text fields of the
 * image-to-image form (whose files are checked separately). The model is checked against the
 * catalogue, and the size against the model, by the generation service.
 */
export const GenerationFieldsSchema = z.object({
  prompt: z.string().trim().min(1).max(PROMPT_MAX_LENGTH),
  model: z.string().trim().min(1).max(64).optional(),
  size: z.enum(SIZES).optional(),
  n: count(MAX_BATCH).default(1),
})

const flag = z.enum(['0', '1', 'true', 'false']).transform(v => v === '1' || v === 'true')

/** `GET /api/gallery`: a page of the caller's creations, newest first, optionally narrowed. */
export const GalleryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(24),
  cursor: z.string().regex(/^[1-9]\d{0,15}$/).optional(),
  /** Words in the prompt. */
  q: z.string().trim().max(200).optional(),
  model: z.string().trim().max(64).optional(),
  kind: z.enum(GENERATION_KINDS).optional(),
  favorite: flag.optional(),
})
export type GalleryQuery = z.infer<typeof GalleryQuerySchema>

export const FavoriteSchema = z.object({ favorite: z.boolean() })

export const JobsQuerySchema = z.object({
  active: flag.default(false),
  limit: z.coerce.number().int().min(1).max(100).default(20),
})
