import { TextToImageSchema } from '#shared/schemas/generation'
import { generate } from '../../services/generation'
import { requireUser } from '../../utils/auth'
import { consumeLimit } from '../../utils/rate-limit'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  await consumeLimit('generate', String(user.id), 'Too many generations. Try again in a minute.')
  const input = await readValidatedBody(event, TextToImageSchema.parse)
  return generate(user, { kind: 'text-to-image', ...input })
})
