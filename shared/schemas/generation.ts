import { z } from './zod'
import { DEFAULT_MODEL, DEFAULT_SIZE, MODEL_IDS, PROMPT_MAX_LENGTH, SIZES } from '../constants/catalog'

export const PromptSchema = z.string().trim().min(1).max(PROMPT_MAX_LENGTH)

export const TextToImageSchema = z.object({
  prompt: PromptSchema,
  model: z.enum(MODEL_IDS).default(DEFAULT_MODEL),
  size: z.enum(SIZES).default(DEFAULT_SIZE),
})
export type TextToImageInput = z.infer<typeof TextToImageSchema>

/** The text fields of the image-to-image form; the files are checked separately. */
export const ImageToImageFieldsSchema = TextToImageSchema
export type ImageToImageFields = z.infer<typeof ImageToImageFieldsSchema>

export const CursorQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(24),
  cursor: z.string().regex(/^[1-9]\d{0,15}$/).optional(),
})
