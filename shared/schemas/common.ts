import { z } from './zod'

export const whole = (min: number, max: number) => z.number().int().min(min).max(max)

/** A query or route value: digits only, then a bounded integer. */
export const wholeParam = (min: number, max: number) => z.string().trim().regex(/^\d{1,16}$/).transform(Number).pipe(whole(min, max))

/** `/…/:id` for any table's row. */
export const IdParamSchema = z.object({ id: wholeParam(1, Number.MAX_SAFE_INTEGER) })
