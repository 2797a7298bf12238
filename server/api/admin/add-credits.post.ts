import { AddCreditsSchema } from '#shared/schemas/admin'
import { addCredits } from '../../services/admin'
import { requireAdmin } from '../../utils/auth'
import { toUser } from '../../utils/dto'

export default defineEventHandler(async (event) => {
  const admin = await requireAdmin(event)
  const input = await readValidatedBody(event, AddCreditsSchema.parse)
  return { user: toUser(addCredits(input, admin.id)) }
})
