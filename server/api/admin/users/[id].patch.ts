import { PatchUserSchema } from '#shared/schemas/admin'
import { IdParamSchema } from '#shared/schemas/common'
import { updateUserAccess } from '#server/services/admin'
import { requireAdmin } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, IdParamSchema.parse)
  const patch = await readValidatedBody(event, PatchUserSchema.parse)
  return { user: await updateUserAccess(id, patch, admin) }
})
