import { LoginSchema } from '#shared/schemas/auth'
import { login } from '../services/accounts'
import { toUser } from '../utils/dto'
import { apiError } from '../utils/errors'
import { createFailureLimiter } from '../utils/rate-limit'

// Ten wrong passwords for one account from one address in 15 minutes, then a pause.
const failures = createFailureLimiter(10, 15 * 60_000)

export default defineEventHandler(async (event) => {
  const input = await readValidatedBody(event, LoginSchema.parse)
  const key = `${getRequestIP(event, { xForwardedFor: true }) ?? '-'}:${input.email}`
  if (failures.blocked(key)) throw apiError('RATE_LIMITED', 'Too many sign-in attempts. Try again in a few minutes.')
  try {
    const { token, user } = await login(input)
    return { token, user: toUser(user) }
  }
  catch (error) {
    failures.fail(key)
    throw error
  }
})
