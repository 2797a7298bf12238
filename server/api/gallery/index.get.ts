import { GalleryQuerySchema } from '#shared/schemas/generation'
import { galleryPageJson } from '#server/services/gallery'
import { requireUser } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const query = await getValidatedQuery(event, GalleryQuerySchema.parse)
  setResponseHeader(event, 'content-type', 'application/json')
  // A Page<Creation>, sent as the JSON it was remembered as.
  return galleryPageJson(user, query)
})
