import { requireUser } from '#server/utils/auth'
import { toUser } from '#server/utils/dto'

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  setResponseHeader(event, 'Cache-Control', 'no-store')
  return toUser(user)
})
