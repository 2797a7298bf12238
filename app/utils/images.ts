import { INPUT_IMAGE_TYPES, MAX_INPUT_IMAGE_BYTES, MAX_INPUT_IMAGE_SIDE } from '#shared/constants/catalog'

/** The largest photo the browser takes before shrinking it (the server's own limit is MAX_INPUT_IMAGE_BYTES). */
export const MAX_PICKED_IMAGE_BYTES = 50 * 1024 * 1024
const QUALITY = 0.9

/** Width over height of an aspect ratio such as `16:9`; 1 for anything unreadable. */
export function ratioOf(size: string): number {
  const [w, h] = size.split(':').map(Number)
  return w && h ? w / h : 1
}

/** Of the ratios offered, the one closest in shape to width × height (compared as logarithms, so 2:1 and 1:2 are as far from 1:1). */
export function nearestSize<T extends string>(sizes: readonly T[], width: number, height: number): T | undefined {
  const target = Math.log(width / height)
  let best: T | undefined
  let distance = Infinity
  for (const size of sizes) {
    const d = Math.abs(Math.log(ratioOf(size)) - target)
    if (d < distance) [best, distance] = [size, d]
  }
  return best
}

/** What is wrong with a picked file before any work is done on it, judged by its declared type and byte size. */
export function checkImageFile(file: File): 'type' | 'size' | null {
  if (!(INPUT_IMAGE_TYPES as readonly string[]).includes(file.type)) return 'type'
  if (file.size > MAX_PICKED_IMAGE_BYTES) return 'size'
  return null
}

function encode(canvas: HTMLCanvasElement, type: string) {
  return new Promise<Blob | null>(resolve => canvas.toBlob(resolve, type, QUALITY))
}

/**
 * Makes a photo fit for upload: a long side over 2048 px is scaled down, and a file still over the
 * server's 10 MB is encoded again (WebP, else JPEG) — so a 50 MB phone photo goes up as a few MB.
 * Anything already small enough passes as it is.
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
  const scale = Math.min(1, MAX_INPUT_IMAGE_SIDE / Math.max(width, height))
  if (scale === 1 && file.size <= MAX_INPUT_IMAGE_BYTES) {
    bitmap.close()
    return { file, width, height }
  }
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(width * scale)
  canvas.height = Math.round(height * scale)
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
  bitmap.close()
  let blob = await encode(canvas, file.type)
  for (const type of ['image/webp', 'image/jpeg']) {
    if (blob && blob.size <= MAX_INPUT_IMAGE_BYTES) break
    const again = await encode(canvas, type)
    if (again?.type === type) blob = again
  }
  if (!blob) throw new Error('unreadable')
  const name = blob.type === file.type ? file.name : file.name.replace(/(\.\w+)?$/, `.${blob.type.slice('image/'.length)}`)
  return { file: new File([blob], name, { type: blob.type }), width: canvas.width, height: canvas.height }
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
