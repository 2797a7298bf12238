import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { useServerConfig } from '#server/utils/config'
import type { Readable } from 'node:stream'
import sharp, { type Metadata } from 'sharp'

/** Where image files live. Local disk today; an S3-compatible store can implement the same four calls. */
export interface ImageStore {
  put: (name: string, data: Buffer) => Promise<void>
  remove: (name: string) => Promise<void>
  open: (name: string) => Promise<{ stream: Readable, size: number } | null>
  list: () => Promise<string[]>
}

function createLocalImageStore(dir: string): ImageStore {
  return {
    async put(name, data) {
      await mkdir(dir, { recursive: true })
      // Written under a temporary name and renamed, so a crash never leaves half a file under the real name.
      const temp = join(dir, `.${name}.${randomBytes(4).toString('hex')}.tmp`)
      await writeFile(temp, data)
      await rename(temp, join(dir, name))
    },
    async remove(name) {
      await rm(join(dir, name), { force: true })
    },
    async open(name) {
      try {
        const info = await stat(join(dir, name))
        if (!info.isFile()) return null
        return { stream: createReadStream(join(dir, name)), size: info.size }
      }
      catch {
        return null
      }
    },
    async list() {
      try {
        return await readdir(dir)
      }
      catch {
        return []
      }
    },
  }
}

let images: { dir: string, store: ImageStore } | undefined

/** The app's image store: the data folder's images/ (an S3-compatible store can stand in). */
export function useImages(): ImageStore {
  const dir = join(useServerConfig().dataDir, 'images')
  if (images?.dir !== dir) images = { dir, store: createLocalImageStore(dir) }
  return images.store
}

export const IMAGE_NAME = /^[\w-]{22}(?:_thumb)?\.(?:png|jpg|webp)$/
export const CONTENT_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' }
const EXTENSIONS: Record<string, string> = { png: 'png', jpeg: 'jpg', webp: 'webp' }

export interface StoredImage {
  image: string
  thumbnail: string
  width: number
  height: number
}

export class UndecodableImageError extends Error {}

/**
 * Keeps an image as received plus a WebP thumbnail (long side 512), under a random unguessable name.
 * Throws UndecodableImageError when the bytes are not a PNG, JPEG or WebP image.
 */
export async function storeImage(store: ImageStore, data: Buffer): Promise<StoredImage> {
  let meta: Metadata
  let thumbnail: Buffer
  try {
    meta = await sharp(data).metadata()
    thumbnail = await sharp(data).rotate().resize(512, 512, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80 }).toBuffer()
  }
  catch {
    throw new UndecodableImageError('The image could not be decoded.')
  }
  const ext = meta.format ? EXTENSIONS[meta.format] : undefined
  if (!ext || !meta.width || !meta.height) throw new UndecodableImageError(`Unsupported image format: ${meta.format ?? 'unknown'}`)

  const id = randomBytes(16).toString('base64url').slice(0, 22)
  const stored = { image: `${id}.${ext}`, thumbnail: `${id}_thumb.webp` }
  const rotated = (meta.orientation ?? 1) >= 5
  try {
    await store.put(stored.image, data)
    await store.put(stored.thumbnail, thumbnail)
  }
  catch (error) {
    await removeImages(store, [stored.image, stored.thumbnail])
    throw error
  }
  return { ...stored, width: rotated ? meta.height : meta.width, height: rotated ? meta.width : meta.height }
}

export async function removeImages(store: ImageStore, names: string[]) {
  await Promise.all(names.map(name => store.remove(name).catch(() => undefined)))
}

export function imageUrl(name: string) {
  return `/images/${name}`
}

export function imageNameFromUrl(url: string) {
  return url.slice(url.lastIndexOf('/') + 1)
}
