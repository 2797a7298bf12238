import { INPUT_IMAGE_TYPES, MAX_INPUT_IMAGE_BYTES, MAX_INPUT_IMAGE_SIDE } from '#shared/constants/catalog'

/** Width over height of an aspect ratio such as `16:9`; 1 for anything unreadable. */
export function ratioOf(size: string): number {
  const [w, h] = size.split(':').map(Number)
  return w && h ? w / h : 1
}

/** What is wrong with a file before any work is done on it, judged by its declared type and byte size. */
export function checkImageFile(file: File): 'type' | 'size' | null {
  if (!(INPUT_IMAGE_TYPES as readonly string[]).includes(file.type)) return 'type'
  if (file.size > MAX_INPUT_IMAGE_BYTES) return 'size'
  return null
}

/**
 * Scales a photo down in the browser when its long side is over 2048 px (the server would do it
 * anyway), so a 12-megapixel phone picture uploads in a fraction of the time. Smaller images pass as they are.
 */
export async function shrinkImage(file: File): Promise<{ file: File, width: number, height: number }> {
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file)
  }
  catch {
    throw new Error('unreadable')
  }
  const { width, height } = bitmap
  const long = Math.max(width, height)
  if (long <= MAX_INPUT_IMAGE_SIDE) {
    bitmap.close()
    return { file, width, height }
  }
  const scale = MAX_INPUT_IMAGE_SIDE / long
  const w = Math.round(width * scale)
  const h = Math.round(height * scale)
  const canvas = document.createElement('canvas')
  canvas.width = w
  canvas.height = h
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, w, h)
  bitmap.close()
  const blob = await new Promise<Blob | null>(resolve => canvas.toBlob(resolve, file.type, 0.92))
  if (!blob) throw new Error('unreadable')
  return { file: new File([blob], file.name, { type: blob.type }), width: w, height: h }
}

/** A file name for downloading a creation, keeping the stored file's extension. */
export function downloadName(creation: { id: number, imageUrl: string }) {
  const ext = /\.(png|jpe?g|webp)(?:$|\?)/i.exec(creation.imageUrl)?.[1] ?? 'png'
  return `nano-banana-${creation.id}.${ext.toLowerCase()}`
}

/** Copies text; false when the browser refuses (no permission, insecure page). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  }
  catch {
    const area = document.createElement('textarea')
    area.value = text
    area.setAttribute('readonly', '')
    area.style.position = 'fixed'
    area.style.opacity = '0'
    document.body.appendChild(area)
    area.select()
    const ok = document.execCommand('copy')
    area.remove()
    return ok
  }
}
