import { IdParamSchema } from '#shared/schemas/generation'
import { deleteOwnedCreation } from '../../repositories/creations'
import { deleteCreationFiles } from '../../services/generation'
import { requireUser } from '../../utils/auth'
import { apiError } from '../../utils/errors'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, IdParamSchema.parse)
  // The row goes first, so no row ever points to a missing file.
  const row = deleteOwnedCreation(id, user.id)
  if (!row) throw apiError('NOT_FOUND')
  await deleteCreationFiles(row)
  setResponseStatus(event, 204)
  return null
})
