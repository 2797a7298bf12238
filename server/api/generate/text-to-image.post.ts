import { TextToImageSchema } from '#shared/schemas/generation'
import { generate } from '../../services/generation'
import { requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const input = await readValidatedBody(event, TextToImageSchema.parse)
  return generate(user, { kind: 'text-to-image', ...input })
})
