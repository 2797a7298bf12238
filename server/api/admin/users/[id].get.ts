import { IdParamSchema } from '#shared/schemas/common'
import { userDetail } from '#server/services/admin'
import { requireAdmin } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, IdParamSchema.parse)
  setResponseHeader(event, 'Cache-Control', 'no-store')
  return userDetail(id)
})
