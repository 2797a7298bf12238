import { IdParamSchema } from '#shared/schemas/common'
import { ownJob } from '#server/services/jobs'
import { requireUser } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, IdParamSchema.parse)
  return { job: await ownJob(user.id, id) }
})
