import type { Readable } from 'node:stream'

/** Where image files live: the data folder's images/ (`local.ts`) or an S3-compatible bucket (`s3.ts`). */
export interface ImageStore {
  put: (name: string, data: Buffer) => Promise<void>
  remove: (name: string) => Promise<void>
  /** The file's bytes and size; null when there is no such file. */
  open: (name: string) => Promise<{ stream: Readable, size: number } | null>
  exists: (name: string) => Promise<boolean>
  /** Every file's name; with `modifiedBefore`, only the files last written before that moment. */
  list: (options?: { modifiedBefore?: Date }) => Promise<string[]>
  /** Every file's size in bytes, by name (one listing, not a request per file). */
  sizes: () => Promise<Map<string, number>>
}

/** A stored picture's name: 22 random characters, `_thumb` for a thumbnail, and the type. */
export const IMAGE_NAME = /^[\w-]{22}(?:_thumb)?\.(?:png|jpg|webp)$/
export const CONTENT_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' }
