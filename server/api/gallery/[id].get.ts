import { IdParamSchema } from '#shared/schemas/common'
import { ownCreation } from '#server/services/gallery'
import { requireUser } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, IdParamSchema.parse)
  return ownCreation(user.id, id)
})
