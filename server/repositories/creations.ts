import { and, desc, eq, lt } from 'drizzle-orm'
import { useDb } from '#server/db'
import { creations, type CreationRow } from '#server/db/schema'

/** The caller's creation, or undefined: ownership is part of the query. */
export async function findOwnedCreation(id: number, userId: number): Promise<CreationRow | undefined> {
  return useDb().select().from(creations).where(and(eq(creations.id, id), eq(creations.userId, userId))).get()
}

/** Newest first, `limit` rows with ids below `beforeId`. */
export async function listOwnedCreations(userId: number, limit: number, beforeId?: number): Promise<CreationRow[]> {
  return useDb().select().from(creations)
    .where(and(eq(creations.userId, userId), beforeId ? lt(creations.id, beforeId) : undefined))
    .orderBy(desc(creations.id))
    .limit(limit)
    .all()
}

export async function deleteOwnedCreation(id: number, userId: number): Promise<CreationRow | undefined> {
  return useDb().delete(creations).where(and(eq(creations.id, id), eq(creations.userId, userId))).returning().get()
}

/** Every file name a creation points to (for removing files no row points to). */
export async function referencedImageUrls(): Promise<Set<string>> {
  const rows = useDb().select({ image: creations.imageUrl, thumb: creations.thumbnailUrl }).from(creations).all()
  return new Set(rows.flatMap(r => [r.image, r.thumb]))
}
