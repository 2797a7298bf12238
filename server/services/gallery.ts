import { LRUCache } from 'lru-cache'
import type { GalleryQuery } from '#shared/schemas/generation'
import type { Creation, Page } from '#shared/types/api'
import type { UserRow } from '#server/db/schema'
import { deleteOwnedCreation, findOwnedCreation, listOwnedCreations, setOwnedFavorite } from '#server/repositories/creations'
import { deleteCreationFiles } from '#server/services/generation'
import { toCreation } from '#server/utils/dto'
import { AppError } from '#server/utils/errors'

/**
 * One page of a user's creations, newest first, optionally only those whose prompt has some words,
 * of one model or kind, or the favourites; one row more than asked tells whether another page exists.
 */
async function galleryPage(userId: number, query: GalleryQuery): Promise<Page<Creation>> {
  const { limit, cursor, q, model, kind, favorite } = query
  const rows = await listOwnedCreations(userId, limit + 1, cursor ? Number(cursor) : undefined, { text: q, model, kind, favorite })
  const items = rows.slice(0, limit).map(toCreation)
  return { items, nextCursor: rows.length > limit ? String(items.at(-1)!.id) : null }
}

// Gallery pages as sent, by user, gallery version and query. A page stays the same bytes until the
// user's creations change, and every change moves the version on in its own transaction; the version
// comes with the session's user row, read fresh on each request, so an instance never serves a page
// another instance changed. Pages of older versions are never asked for again and age out. Bounded
// in characters (a 24-picture page is ~7,000): reading, mapping and serialising the rows was two
// thirds of a gallery request.
const remembered = new LRUCache<string, string>({ maxSize: 8_000_000, sizeCalculation: body => body.length })

/** {@link galleryPage} as its JSON, remembered until the user's creations change. */
export async function galleryPageJson(user: Pick<UserRow, 'id' | 'galleryVersion'>, query: GalleryQuery): Promise<string> {
  const { limit, cursor, q, model, kind, favorite } = query
  const key = JSON.stringify([user.id, user.galleryVersion, limit, cursor, q, model, kind, favorite])
  let body = remembered.get(key)
  if (body === undefined) remembered.set(key, body = JSON.stringify(await galleryPage(user.id, query)))
  return body
}

export async function ownCreation(userId: number, id: number): Promise<Creation> {
  const row = await findOwnedCreation(id, userId)
  if (!row) throw new AppError('NOT_FOUND')
  return toCreation(row)
}

export async function markFavorite(userId: number, id: number, favorite: boolean): Promise<Creation> {
  const row = await setOwnedFavorite(id, userId, favorite)
  if (!row) throw new AppError('NOT_FOUND')
  return toCreation(row)
}

/** The row goes first, so no row ever points to a missing file. */
export async function deleteOwnCreation(userId: number, id: number): Promise<void> {
  const row = await deleteOwnedCreation(id, userId)
  if (!row) throw new AppError('NOT_FOUND')
  await deleteCreationFiles(row)
}
