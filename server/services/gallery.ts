import type { GalleryQuery } from '#shared/schemas/generation'
import type { Creation, Page } from '#shared/types/api'
import { deleteOwnedCreation, findOwnedCreation, listOwnedCreations, setOwnedFavorite } from '#server/repositories/creations'
import { deleteCreationFiles } from '#server/services/generation'
import { toCreation } from '#server/utils/dto'
import { AppError } from '#server/utils/errors'

/**
 * One page of a user's creations, newest first, optionally only those whose prompt has some words,
 * of one model or kind, or the favourites; one row more than asked tells whether another page exists.
 */
export async function galleryPage(userId: number, query: GalleryQuery): Promise<Page<Creation>> {
  const { limit, cursor, q, model, kind, favorite } = query
  const rows = await listOwnedCreations(userId, limit + 1, cursor ? Number(cursor) : undefined, { text: q, model, kind, favorite })
  const items = rows.slice(0, limit).map(toCreation)
  return { items, nextCursor: rows.length > limit ? String(items.at(-1)!.id) : null }
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
