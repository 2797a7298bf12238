import { IdParamSchema } from '#shared/schemas/generation'
import { findOwnedCreation } from '../../repositories/creations'
import { toCreation } from '../../utils/dto'
import { requireUser } from '../../utils/auth'
import { apiError } from '../../utils/errors'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, IdParamSchema.parse)
  const row = findOwnedCreation(id, user.id)
  if (!row) throw apiError('NOT_FOUND')
  return toCreation(row)
})
