import { CreateCodesSchema } from '#shared/schemas/admin'
import { createCodes } from '#server/services/redeem-codes'
import { requireAdmin } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const input = await readValidatedBody(event, CreateCodesSchema.parse)
  const codes = await createCodes(input, admin.id)
  setResponseStatus(event, 201)
  return { codes }
})
