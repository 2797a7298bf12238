import { RedeemSchema } from '#shared/schemas/admin'
import type { RedeemResult } from '#shared/types/admin'
import { redeemCode } from '../../services/redeem-codes'
import { requireUser } from '../../utils/auth'
import { toUser } from '../../utils/dto'
import { apiError } from '../../utils/errors'
import { createFailureLimiter } from '../../utils/rate-limit'

// Ten failed codes per account in 15 minutes, then a pause: 2^80 codes cannot be guessed at that pace.
const failures = createFailureLimiter(10, 15 * 60_000)

export default defineEventHandler(async (event): Promise<RedeemResult> => {
  const user = await requireUser(event)
  const { code } = await readValidatedBody(event, RedeemSchema.parse)
  const key = String(user.id)
  if (failures.blocked(key)) throw apiError('RATE_LIMITED', 'Too many redeem attempts. Try again in a few minutes.')
  try {
    const result = redeemCode(code, user.id)
    return { credits: result.credits, user: toUser({ ...user, credits: result.balance }) }
  }
  catch (error) {
    failures.fail(key)
    throw error
  }
})
