import { CursorQuerySchema } from '#shared/schemas/generation'
import type { Creation, Page } from '#shared/types/api'
import { listOwnedCreations } from '../../repositories/creations'
import { toCreation } from '../../utils/dto'
import { requireUser } from '../../utils/auth'

export default defineEventHandler(async (event): Promise<Page<Creation>> => {
  const user = await requireUser(event)
  const { limit, cursor } = await getValidatedQuery(event, CursorQuerySchema.parse)
  // One row more than asked tells whether another page exists.
  const rows = listOwnedCreations(user.id, limit + 1, cursor ? Number(cursor) : undefined)
  const items = rows.slice(0, limit).map(toCreation)
  return { items, nextCursor: rows.length > limit ? String(items.at(-1)!.id) : null }
})
