import type { z } from 'zod'

/** What a shared zod number schema accepts, as an el-input-number's min and max: limits are read, never copied. */
export function boundsOf(schema: z.ZodNumber) {
  return { min: schema.minValue ?? undefined, max: schema.maxValue ?? undefined }
}
