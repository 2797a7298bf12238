import { ModelIdParamSchema, PatchModelSchema } from '#shared/schemas/admin'
import { patchModel } from '#server/services/catalog'
import { requireAdmin } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const { id } = await getValidatedRouterParams(event, ModelIdParamSchema.parse)
  const patch = await readValidatedBody(event, PatchModelSchema.parse)
  return { model: await patchModel(id, patch, admin.id) }
})
