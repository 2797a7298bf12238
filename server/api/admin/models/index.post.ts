import { CreateModelSchema } from '#shared/schemas/admin'
import { createModel } from '#server/services/catalog'
import { requireAdmin } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const input = await readValidatedBody(event, CreateModelSchema.parse)
  const model = await createModel(input, admin.id)
  setResponseStatus(event, 201)
  return { model }
})
