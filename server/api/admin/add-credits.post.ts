import { AddCreditsSchema } from '#shared/schemas/admin'
import { addCredits } from '#server/services/admin'
import { requireAdmin } from '#server/utils/auth'
import { toUser } from '#server/utils/dto'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const input = await readValidatedBody(event, AddCreditsSchema.parse)
  return { user: toUser(await addCredits(input, admin.id)) }
})
