import { and, desc, eq, lt, sql } from 'drizzle-orm'
import type { GenerationKind } from '#shared/constants/catalog'
import { first, inTransaction, prepared, useDb, useTables, type Db } from '#server/db'
import { contains } from '#server/repositories/like'
import type { CreationRow } from '#server/db/schema'

/** The caller's creation, or undefined: ownership is part of the query. */
export async function findOwnedCreation(id: number, userId: number): Promise<CreationRow | undefined> {
  const { creations } = useTables()
  return first(useDb().select().from(creations).where(and(eq(creations.id, id), eq(creations.userId, userId))))
}

export interface CreationFilter {
  /** Words in the prompt. */
  text?: string
  model?: string
  kind?: GenerationKind
  favorite?: boolean
}

/** Newest first, `limit` rows with ids below `beforeId`, narrowed by the filter. */
export async function listOwnedCreations(userId: number, limit: number, beforeId?: number, filter: CreationFilter = {}): Promise<CreationRow[]> {
  const unfiltered = !filter.text && !filter.model && !filter.kind && filter.favorite === undefined
  // The gallery as it opens and scrolls: one prepared statement.
  if (unfiltered) {
    return prepared(useDb(), 'listOwnedCreations', (db, { creations }) => db.select().from(creations)
      .where(and(eq(creations.userId, sql.placeholder('userId')), lt(creations.id, sql.placeholder('beforeId'))))
      .orderBy(desc(creations.id))
      .limit(sql.placeholder('limit')))({ userId, beforeId: beforeId ?? 2_147_483_647, limit })
  }
  const { creations } = useTables()
  return useDb().select().from(creations)
    .where(and(
      eq(creations.userId, userId),
      beforeId ? lt(creations.id, beforeId) : undefined,
      contains(creations.prompt, filter.text),
      filter.model ? eq(creations.modelUsed, filter.model) : undefined,
      filter.kind ? eq(creations.kind, filter.kind) : undefined,
      filter.favorite === undefined ? undefined : eq(creations.favorite, filter.favorite),
    ))
    .orderBy(desc(creations.id))
    .limit(limit)
}

/**
 * Moves the user's gallery version on: every change to a user's creations calls it in the change's own
 * transaction, so a gallery page remembered under the old version is never served again, on any instance.
 */
export async function galleryChanged(tx: Db, userId: number): Promise<void> {
  await prepared(tx, 'galleryChanged', (db, { users }) => db.update(users)
    .set({ galleryVersion: sql`${users.galleryVersion} + 1` })
    .where(eq(users.id, sql.placeholder('userId'))))({ userId })
}

export async function setOwnedFavorite(id: number, userId: number, favorite: boolean): Promise<CreationRow | undefined> {
  const { creations } = useTables()
  return inTransaction(async (tx) => {
    const row = await first(tx.update(creations).set({ favorite }).where(and(eq(creations.id, id), eq(creations.userId, userId))).returning())
    if (row) await galleryChanged(tx, userId)
    return row
  })
}

export async function deleteOwnedCreation(id: number, userId: number): Promise<CreationRow | undefined> {
  const { creations } = useTables()
  return inTransaction(async (tx) => {
    const row = await first(tx.delete(creations).where(and(eq(creations.id, id), eq(creations.userId, userId))).returning())
    if (row) await galleryChanged(tx, userId)
    return row
  })
}

/** Every file name a creation points to (for removing files no row points to). */
export async function referencedImageUrls(): Promise<Set<string>> {
  const { creations } = useTables()
  const rows = await useDb().select({ image: creations.imageUrl, thumb: creations.thumbnailUrl }).from(creations)
  return new Set(rows.flatMap(r => [r.image, r.thumb]))
}
