import { IdParamSchema } from '#shared/schemas/common'
import { FavoriteSchema } from '#shared/schemas/generation'
import { markFavorite } from '#server/services/gallery'
import { requireUser } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, IdParamSchema.parse)
  const { favorite } = await readValidatedBody(event, FavoriteSchema.parse)
  return markFavorite(user.id, id, favorite)
})
