import { JobsQuerySchema } from '#shared/schemas/generation'
import { listJobs } from '#server/services/jobs'
import { requireUser } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { active, limit } = await getValidatedQuery(event, JobsQuerySchema.parse)
  return { items: await listJobs(user.id, active, limit) }
})
