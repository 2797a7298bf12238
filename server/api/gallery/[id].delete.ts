import { IdParamSchema } from '#shared/schemas/common'
import { deleteOwnCreation } from '#server/services/gallery'
import { requireUser } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, IdParamSchema.parse)
  await deleteOwnCreation(user.id, id)
  setResponseStatus(event, 204)
  return null
})
