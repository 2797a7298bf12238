import { randomBytes } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import sharp, { type Metadata } from 'sharp'
import { createLocalImageStore } from '#server/services/storage/local'
import { createS3ImageStore } from '#server/services/storage/s3'
import { IMAGE_NAME, type ImageStore } from '#server/services/storage/types'
import { useServerConfig, type ServerConfig } from '#server/utils/config'

export { CONTENT_TYPES, IMAGE_NAME } from '#server/services/storage/types'

let images: { config: ServerConfig, store: ImageStore } | undefined

/** The app's image store: an S3-compatible bucket when NUXT_S3_* say so, else the data folder's images/. */
export function useImages(): ImageStore {
  const config = useServerConfig()
  if (images?.config !== config) {
    images = { config, store: config.s3 ? createS3ImageStore(config.s3) : createLocalImageStore(join(config.dataDir, 'images')) }
  }
  return images.store
}

const EXTENSIONS: Record<string, string> = { png: 'png', jpeg: 'jpg', webp: 'webp' }

export interface StoredImage {
  image: string
  thumbnail: string
  width: number
  height: number
}

export class UndecodableImageError extends Error {}

const THUMBNAIL_SIDE = 512
// WebP effort 2: a third less CPU than the default 4 for a thumbnail of about the same bytes
// (measured in docs/PERFORMANCE.md); most of what is left is decoding the original.
const THUMBNAIL_EFFORT = 2
// Every picture is new: libvips' cache of recent operations (50 MB, 20 open files by default) never
// gets a hit here and only holds memory between bursts.
sharp.cache(false)

function thumbnailName(image: string) {
  return image.replace(/\.(?:png|jpg|webp)$/, '_thumb.webp')
}

/**
 * Keeps an image as received under a random unguessable name, after reading its header (type and
 * size); its WebP thumbnail is made afterwards (`queueThumbnail`), off the answer's path. Throws
 * UndecodableImageError when the bytes are not a PNG, JPEG or WebP image.
 */
export async function storeImage(store: ImageStore, data: Buffer): Promise<StoredImage> {
  let meta: Metadata
  try {
    meta = await sharp(data).metadata()
  }
  catch {
    throw new UndecodableImageError('The image could not be decoded.')
  }
  const ext = meta.format ? EXTENSIONS[meta.format] : undefined
  if (!ext || !meta.width || !meta.height) throw new UndecodableImageError(`Unsupported image format: ${meta.format ?? 'unknown'}`)

  const id = randomBytes(16).toString('base64url').slice(0, 22)
  const image = `${id}.${ext}`
  await store.put(image, data)
  const rotated = (meta.orientation ?? 1) >= 5
  return { image, thumbnail: thumbnailName(image), width: rotated ? meta.height : meta.width, height: rotated ? meta.width : meta.height }
}

/** A stored file's bytes, whole (a picture is at most a few megabytes). */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

const making = new Map<string, Promise<boolean>>()

/**
 * Makes the thumbnail of a stored image unless it exists; one at a time per image (a second caller
 * waits for the first). False when the original is missing or cannot be decoded.
 */
function ensureThumbnail(store: ImageStore, image: string): Promise<boolean> {
  const thumbnail = thumbnailName(image)
  let pending = making.get(thumbnail)
  if (!pending) {
    pending = (async () => {
      try {
        if (await store.exists(thumbnail)) return true
        const original = await store.open(image)
        if (!original) return false
        const data = await readAll(original.stream)
        const webp = await sharp(data).rotate().resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80, effort: THUMBNAIL_EFFORT }).toBuffer()
        await store.put(thumbnail, webp)
        return true
      }
      catch {
        // Undecodable, or the store failed (a bucket out of reach): asked for again, it is tried again.
        return false
      }
    })().finally(() => making.delete(thumbnail))
    making.set(thumbnail, pending)
  }
  return pending
}

// Thumbnails wait here and are made a few at a time (at most one per core), so a burst of pictures
// never takes every CPU away from the requests.
const THUMBNAIL_WORKERS = Math.max(1, Math.min(2, availableParallelism() - 1))
const waiting: string[] = []
let workers = 0
let quietUntil = 0

/** Keeps the queue waiting a moment (called as each generated picture arrives: those answers come first). */
export function holdThumbnails(ms = 1000) {
  quietUntil = Date.now() + ms
}

export function queueThumbnail(store: ImageStore, image: string) {
  waiting.push(image)
  while (workers < THUMBNAIL_WORKERS && waiting.length) {
    workers++
    void (async () => {
      for (let next = waiting.shift(); next; next = waiting.shift()) {
        while (Date.now() < quietUntil) await new Promise(resolve => setTimeout(resolve, quietUntil - Date.now()))
        await ensureThumbnail(store, next)
      }
      workers--
    })()
  }
}

/**
 * A stored file to send. A thumbnail not made yet (the queue is behind, or a stop cut it short) is
 * made now from its original, so a creation's thumbnailUrl always loads.
 */
export async function openImage(store: ImageStore, name: string) {
  const file = await store.open(name)
  if (file || !name.endsWith('_thumb.webp')) return file
  const id = name.slice(0, -'_thumb.webp'.length)
  for (const ext of ['png', 'jpg', 'webp']) {
    if (await ensureThumbnail(store, `${id}.${ext}`)) return store.open(name)
  }
  return null
}

/** At start-up: thumbnails a stop prevented (originals without one) are queued again. */
export async function queueMissingThumbnails(store: ImageStore) {
  const names = new Set(await store.list())
  const missing = [...names].filter(name => IMAGE_NAME.test(name) && !name.includes('_thumb') && !names.has(thumbnailName(name)))
  for (const image of missing) queueThumbnail(store, image)
  return missing.length
}

/** Removes files; a thumbnail being made is waited for first, so it cannot land after its original went. */
export async function removeImages(store: ImageStore, names: string[]) {
  await Promise.all(names.map(name => making.get(name)?.catch(() => false)))
  await Promise.all(names.map(name => store.remove(name).catch(() => undefined)))
}

export function imageUrl(name: string) {
  return `/images/${name}`
}

export function imageNameFromUrl(url: string) {
  return url.slice(url.lastIndexOf('/') + 1)
}
