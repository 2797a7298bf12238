import { UsersQuerySchema } from '#shared/schemas/admin'
import { listUsers } from '#server/services/admin'
import { requireAdmin } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const query = await getValidatedQuery(event, UsersQuerySchema.parse)
  setResponseHeader(event, 'Cache-Control', 'no-store')
  return listUsers(query)
})
