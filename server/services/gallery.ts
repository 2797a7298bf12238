import type { Creation, Page } from '#shared/types/api'
import { deleteOwnedCreation, findOwnedCreation, listOwnedCreations } from '#server/repositories/creations'
import { deleteCreationFiles } from '#server/services/generation'
import { toCreation } from '#server/utils/dto'
import { AppError } from '#server/utils/errors'

/** One page of a user's creations, newest first; one row more than asked tells whether another page exists. */
export async function galleryPage(userId: number, limit: number, cursor?: number): Promise<Page<Creation>> {
  const rows = await listOwnedCreations(userId, limit + 1, cursor)
  const items = rows.slice(0, limit).map(toCreation)
  return { items, nextCursor: rows.length > limit ? String(items.at(-1)!.id) : null }
}

export async function ownCreation(userId: number, id: number): Promise<Creation> {
  const row = await findOwnedCreation(id, userId)
  if (!row) throw new AppError('NOT_FOUND')
  return toCreation(row)
}

/** The row goes first, so no row ever points to a missing file. */
export async function deleteOwnCreation(userId: number, id: number): Promise<void> {
  const row = await deleteOwnedCreation(id, userId)
  if (!row) throw new AppError('NOT_FOUND')
  await deleteCreationFiles(row)
}
