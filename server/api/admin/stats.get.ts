import { adminStats } from '#server/services/admin'
import { requireAdmin } from '#server/utils/auth'

export default defineEventHandler(async (event) => {
  await requireAdmin(event)
  setResponseHeader(event, 'Cache-Control', 'no-store')
  return adminStats()
})
