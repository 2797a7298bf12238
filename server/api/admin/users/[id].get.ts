import { IdParamsSchema } from '#shared/schemas/admin'
import { userDetail } from '../../../services/admin'
import { requireAdmin } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, IdParamsSchema.parse)
  setResponseHeader(event, 'Cache-Control', 'no-store')
  return userDetail(id)
})
