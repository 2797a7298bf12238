import { RedeemSchema } from '#shared/schemas/admin'
import type { RedeemResult } from '#shared/types/admin'
import { redeemCode } from '#server/services/redeem-codes'
import { requireUser } from '#server/utils/auth'
import { toUser } from '#server/utils/dto'
import { limitFailures } from '#server/utils/rate-limit'

// Ten failed codes per account in 15 minutes, then a pause: 2^80 codes cannot be guessed at that pace.
export default defineEventHandler(async (event): Promise<RedeemResult> => {
  const user = await requireUser(event)
  const { code } = await readValidatedBody(event, RedeemSchema.parse)
  const result = await limitFailures('redeem', String(user.id), async () => redeemCode(code, user.id), 'Too many redeem attempts. Try again in a few minutes.')
  return { credits: result.credits, user: toUser({ ...user, credits: result.balance }) }
})
