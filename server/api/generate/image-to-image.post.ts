import { MAX_INPUT_IMAGE_BYTES, MAX_INPUT_IMAGES } from '#shared/constants/catalog'
import { GenerationFieldsSchema } from '#shared/schemas/generation'
import { generate } from '#server/services/generation'
import { normaliseInputImage } from '#server/services/uploads'
import { requireUser } from '#server/utils/auth'
import { AppError } from '#server/utils/errors'
import { fileHead, readMultipartForm } from '#server/utils/multipart'
import { consumeLimit } from '#server/utils/rate-limit'

// Three images of 10 MB plus the form's own bytes.
const MAX_FORM_BYTES = 32 * 1024 * 1024

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  await consumeLimit('generate', String(user.id), 'Too many generations. Try again in a minute.')
  const form = await readMultipartForm(event, { fileFields: ['image', 'image[]'], maxFiles: MAX_INPUT_IMAGES, maxFileBytes: MAX_INPUT_IMAGE_BYTES, maxBytes: MAX_FORM_BYTES })
  try {
    const parsed = GenerationFieldsSchema.safeParse(form.fields)
    const fieldErrors: Record<string, string[]> = {}
    if (!parsed.success) {
      for (const issue of parsed.error.issues) (fieldErrors[issue.path.join('.') || '_'] ??= []).push(issue.message)
    }
    if (!form.files.length) fieldErrors.image = ['At least one image is required.']
    if (!parsed.success || Object.keys(fieldErrors).length) throw new AppError('VALIDATION_ERROR', undefined, { fields: fieldErrors })

    const images = []
    for (const [index, file] of form.files.entries()) images.push(await normaliseInputImage(file.path, index, await fileHead(file.path)))
    return await generate(user, { kind: 'image-to-image', ...parsed.data, images })
  }
  finally {
    await form.cleanup()
  }
})
