import { GalleryQuerySchema } from '#shared/schemas/generation'
import { galleryPage } from '#server/services/gallery'
import { requireUser } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const query = await getValidatedQuery(event, GalleryQuerySchema.parse)
  return galleryPage(user.id, query)
})
