import { GenerationFieldsSchema } from '#shared/schemas/generation'
import { requireUser } from '#server/utils/auth'
import { answerGeneration } from '#server/utils/generation'
import { consumeLimit } from '#server/utils/rate-limit'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  await consumeLimit('generate', String(user.id), 'Too many generations. Try again in a minute.')
  const fields = await readValidatedBody(event, GenerationFieldsSchema.parse)
  return answerGeneration(event, user, { kind: 'text-to-image', ...fields })
})
