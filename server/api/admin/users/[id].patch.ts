import { IdParamsSchema, PatchUserSchema } from '#shared/schemas/admin'
import { updateUserAccess } from '../../../services/admin'
import { requireAdmin } from '../../../utils/auth'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, IdParamsSchema.parse)
  const patch = await readValidatedBody(event, PatchUserSchema.parse)
  return { user: updateUserAccess(id, patch, admin) }
})
