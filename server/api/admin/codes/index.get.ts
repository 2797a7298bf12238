import { PageQuerySchema } from '#shared/schemas/admin'
import { listCodes } from '#server/services/redeem-codes'
import { requireAdmin } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const query = await getValidatedQuery(event, PageQuerySchema.parse)
  setResponseHeader(event, 'Cache-Control', 'no-store')
  return listCodes(query)
})
