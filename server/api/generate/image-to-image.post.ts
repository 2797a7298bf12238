import { generate } from '../../services/generation'
import { readImageToImageForm } from '../../services/uploads'
import { requireUser } from '../../utils/auth'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const { fields, images } = await readImageToImageForm(event)
  return generate(user, { kind: 'image-to-image', ...fields, images })
})
