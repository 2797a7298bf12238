import { LedgerQuerySchema } from '#shared/schemas/account'
import { creditHistory } from '#server/services/credit-history'
import { requireUser } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { limit, cursor } = await getValidatedQuery(event, LedgerQuerySchema.parse)
  setResponseHeader(event, 'Cache-Control', 'no-store')
  return creditHistory(user.id, limit, cursor)
})
