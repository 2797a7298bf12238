import { ChangePasswordSchema } from '#shared/schemas/account'
import { changePassword } from '../../../services/password-change'
import { requireUser } from '../../../utils/auth'
import { apiError } from '../../../utils/errors'
import { createFailureLimiter } from '../../../utils/rate-limit'

// A stolen session must not be able to guess the current password at leisure.
const failures = createFailureLimiter(10, 15 * 60_000)

export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const input = await readValidatedBody(event, ChangePasswordSchema.parse)
  const key = String(user.id)
  if (failures.blocked(key)) throw apiError('RATE_LIMITED', 'Too many wrong passwords. Try again in a few minutes.')
  try {
    return await changePassword(user, input)
  }
  catch (error) {
    failures.fail(key)
    throw error
  }
})
