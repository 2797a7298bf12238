import { MAX_INPUT_IMAGE_BYTES } from '#shared/constants/catalog'
import { GenerationFieldsSchema } from '#shared/schemas/generation'
import { maxUploadImages } from '#server/services/catalog'
import { normaliseInputImage } from '#server/services/uploads'
import { requireUser } from '#server/utils/auth'
import { AppError } from '#server/utils/errors'
import { answerGeneration } from '#server/utils/generation'
import { fileHead, readMultipartForm } from '#server/utils/multipart'
import { consumeLimit } from '#server/utils/rate-limit'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  await consumeLimit('generate', String(user.id), 'Too many generations. Try again in a minute.')
  // As many images as the most generous enabled model takes, of 10 MB each, plus the form's own bytes.
  const maxFiles = await maxUploadImages()
  const form = await readMultipartForm(event, { fileFields: ['image', 'image[]'], maxFiles, maxFileBytes: MAX_INPUT_IMAGE_BYTES, maxBytes: maxFiles * MAX_INPUT_IMAGE_BYTES + 2 * 1024 * 1024 })
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
    return await answerGeneration(event, user, { kind: 'image-to-image', ...parsed.data, images })
  }
  finally {
    await form.cleanup()
  }
})
