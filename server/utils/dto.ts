import type { Creation, User } from '#shared/types/api'
import type { CreationRow, UserRow } from '#server/db/schema'

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    credits: row.credits,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
  }
}

export function toCreation(row: CreationRow): Creation {
  return {
    id: row.id,
    userId: row.userId,
    prompt: row.prompt,
    imageUrl: row.imageUrl,
    thumbnailUrl: row.thumbnailUrl,
    modelUsed: row.modelUsed,
    size: row.size,
    kind: row.kind,
    width: row.width,
    height: row.height,
    favorite: row.favorite,
    createdAt: row.createdAt.toISOString(),
  }
}
