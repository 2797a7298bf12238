import { MAX_INPUT_IMAGE_PIXELS, MAX_INPUT_IMAGE_SIDE } from '#shared/constants/catalog'
import sharp, { type Metadata } from 'sharp'
import { AppError } from '#server/utils/errors'
import type { InputImage } from '#server/services/providers/types'

/** The type an image really is, from its first bytes; a name or declared type proves nothing. */
export function sniffImageType(data: Buffer): InputImage['mime'] | null {
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))) return 'image/png'
  if (data.length >= 3 && data[0] === 0xFF && data[1] === 0xD8 && data[2] === 0xFF) return 'image/jpeg'
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'image/webp'
  return null
}

/**
 * Re-encodes an upload (bytes, or the path of an uploaded file whose first bytes are `head`):
 * orientation applied, metadata (EXIF, GPS…) dropped, long side at most 2048 px. The decoding runs
 * in libvips' threads, reading the file as it goes, not on the event loop.
 */
export async function normaliseInputImage(input: Buffer | string, index: number, head?: Buffer): Promise<InputImage> {
  const mime = sniffImageType(head ?? (input as Buffer))
  if (!mime) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Images must be PNG, JPEG or WebP.', { image: index })
  let meta: Metadata
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata()
  }
  catch {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The image could not be read.', { image: index })
  }
  if ((meta.width ?? 0) * (meta.height ?? 0) > MAX_INPUT_IMAGE_PIXELS) {
    throw new AppError('PAYLOAD_TOO_LARGE', 'Images can have at most 40 megapixels.', { image: index })
  }
  try {
    const pipeline = sharp(input, { limitInputPixels: MAX_INPUT_IMAGE_PIXELS, sequentialRead: true })
      .rotate()
      .resize(MAX_INPUT_IMAGE_SIDE, MAX_INPUT_IMAGE_SIDE, { fit: 'inside', withoutEnlargement: true })
    return meta.hasAlpha
      ? { data: await pipeline.png().toBuffer(), mime: 'image/png', filename: `input-${index + 1}.png` }
      : { data: await pipeline.jpeg({ quality: 92 }).toBuffer(), mime: 'image/jpeg', filename: `input-${index + 1}.jpg` }
  }
  catch {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The image could not be read.', { image: index })
  }
}
