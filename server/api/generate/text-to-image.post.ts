import { GenerationFieldsSchema } from '#shared/schemas/generation'
import { generate } from '#server/services/generation'
import { requireUser } from '#server/utils/auth'
import { consumeLimit } from '#server/utils/rate-limit'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  await consumeLimit('generate', String(user.id), 'Too many generations. Try again in a minute.')
  const input = await readValidatedBody(event, GenerationFieldsSchema.parse)
  return generate(user, { kind: 'text-to-image', ...input })
})
