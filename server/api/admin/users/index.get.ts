import { UsersQuerySchema } from '#shared/schemas/admin'
import { listUsers } from '../../../services/admin'
import { requireAdmin } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  const query = await getValidatedQuery(event, UsersQuerySchema.parse)
  setResponseHeader(event, 'Cache-Control', 'no-store')
  return listUsers(query)
})
