import { ImageToImageFieldsSchema, type ImageToImageFields } from '#shared/schemas/generation'
import { MAX_INPUT_IMAGE_BYTES, MAX_INPUT_IMAGE_PIXELS, MAX_INPUT_IMAGES } from '#shared/constants/catalog'
import type { H3Event } from 'h3'
import { readMultipartFormData } from 'h3'
import sharp, { type Metadata } from 'sharp'
import { apiError } from '../utils/errors'
import type { InputImage } from './providers/types'

const LONG_SIDE = 2048

/** The type an image really is, from its first bytes; a name or declared type proves nothing. */
export function sniffImageType(data: Buffer): InputImage['mime'] | null {
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))) return 'image/png'
  if (data.length >= 3 && data[0] === 0xFF && data[1] === 0xD8 && data[2] === 0xFF) return 'image/jpeg'
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'image/webp'
  return null
}

/** Re-encodes an upload: orientation applied, metadata (EXIF, GPS…) dropped, long side at most 2048 px. */
export async function normaliseInputImage(data: Buffer, index: number): Promise<InputImage> {
  const mime = sniffImageType(data)
  if (!mime) throw apiError('UNSUPPORTED_MEDIA_TYPE', 'Images must be PNG, JPEG or WebP.', { image: index })
  let meta: Metadata
  try {
    meta = await sharp(data, { limitInputPixels: false }).metadata()
  }
  catch {
    throw apiError('UNSUPPORTED_MEDIA_TYPE', 'The image could not be read.', { image: index })
  }
  if ((meta.width ?? 0) * (meta.height ?? 0) > MAX_INPUT_IMAGE_PIXELS) {
    throw apiError('PAYLOAD_TOO_LARGE', 'Images can have at most 40 megapixels.', { image: index })
  }
  try {
    const pipeline = sharp(data, { limitInputPixels: MAX_INPUT_IMAGE_PIXELS })
      .rotate()
      .resize(LONG_SIDE, LONG_SIDE, { fit: 'inside', withoutEnlargement: true })
    return meta.hasAlpha
      ? { data: await pipeline.png().toBuffer(), mime: 'image/png', filename: `input-${index + 1}.png` }
      : { data: await pipeline.jpeg({ quality: 92 }).toBuffer(), mime: 'image/jpeg', filename: `input-${index + 1}.jpg` }
  }
  catch {
    throw apiError('UNSUPPORTED_MEDIA_TYPE', 'The image could not be read.', { image: index })
  }
}

/** Reads and checks the image-to-image form: text fields by the shared schema, then 1–3 image files. */
export async function readImageToImageForm(event: H3Event): Promise<{ fields: ImageToImageFields, images: InputImage[] }> {
  const type = getRequestHeader(event, 'content-type') ?? ''
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    throw apiError('UNSUPPORTED_MEDIA_TYPE', 'Send image-to-image requests as multipart/form-data.')
  }
  let parts: Awaited<ReturnType<typeof readMultipartFormData>>
  try {
    parts = await readMultipartFormData(event)
  }
  catch {
    throw apiError('VALIDATION_ERROR', 'The form could not be read.')
  }
  const text: Record<string, string> = {}
  const files: Buffer[] = []
  for (const part of parts ?? []) {
    if (part.name === 'image' || part.name === 'image[]') files.push(part.data)
    else if (part.name && part.filename === undefined && !(part.name in text)) text[part.name] = part.data.toString('utf8')
  }

  const parsed = ImageToImageFieldsSchema.safeParse(text)
  const fieldErrors: Record<string, string[]> = {}
  if (!parsed.success) {
    for (const issue of parsed.error.issues) (fieldErrors[issue.path.join('.') || '_'] ??= []).push(issue.message)
  }
  if (files.length === 0) fieldErrors.image = ['At least one image is required.']
  if (files.length > MAX_INPUT_IMAGES) fieldErrors.image = [`At most ${MAX_INPUT_IMAGES} images.`]
  if (Object.keys(fieldErrors).length || !parsed.success) throw apiError('VALIDATION_ERROR', undefined, { fields: fieldErrors })

  files.forEach((data, index) => {
    if (data.length > MAX_INPUT_IMAGE_BYTES) throw apiError('PAYLOAD_TOO_LARGE', 'Each image can be at most 10 MB.', { image: index })
  })
  const images: InputImage[] = []
  for (const [index, data] of files.entries()) images.push(await normaliseInputImage(data, index))
  return { fields: parsed.data, images }
}
