import { adminModels } from '#server/services/catalog'
import { requireAdmin } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  return { items: await adminModels() }
})
