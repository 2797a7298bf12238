import { z } from './zod'
import { DEFAULT_MODEL, DEFAULT_SIZE, MODEL_IDS, PROMPT_MAX_LENGTH, SIZES } from '../constants/catalog'

/**
 * What a generation asks for: the JSON body of text-to-image, and the text fields of the
 * image-to-image form (whose files are checked separately).
 */
export const GenerationFieldsSchema = z.object({
  prompt: z.string().trim().min(1).max(PROMPT_MAX_LENGTH),
  model: z.enum(MODEL_IDS).default(DEFAULT_MODEL),
  size: z.enum(SIZES).default(DEFAULT_SIZE),
})

export const CursorQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(24),
  cursor: z.string().regex(/^[1-9]\d{0,15}$/).optional(),
})
