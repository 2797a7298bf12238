import { IdParamSchema } from '#shared/schemas/common'
import { ownJob } from '#server/services/jobs'
import { requireUser } from '#server/utils/auth'
import { streamJob } from '#server/utils/sse'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { id } = await getValidatedRouterParams(event, IdParamSchema.parse)
  return streamJob(event, await ownJob(user.id, id))
})
