import type { User } from '#shared/types/api'
import type { UserRow } from '../db/schema'

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    credits: row.credits,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
  }
}
