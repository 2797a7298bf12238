import { CursorQuerySchema } from '#shared/schemas/generation'
import { galleryPage } from '#server/services/gallery'
import { requireUser } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { limit, cursor } = await getValidatedQuery(event, CursorQuerySchema.parse)
  return galleryPage(user.id, limit, cursor ? Number(cursor) : undefined)
})
