import { LoginSchema } from '#shared/schemas/auth'
import { login } from '#server/services/accounts'
import { startSession } from '#server/services/sessions'
import { setSessionCookie } from '#server/utils/auth'
import { clientAddress } from '#server/utils/client'
import { toUser } from '#server/utils/dto'
import { assertWithinLimit, recordFailure } from '#server/utils/rate-limit'

const TOO_MANY = 'Too many sign-in attempts. Try again in a few minutes.'

// Failures count per account (whatever the address) and per address (whatever the account).
export default defineEventHandler(async (event) => {
  const input = await readValidatedBody(event, LoginSchema.parse)
  const limits = [['loginAccount', input.email], ['loginAddress', clientAddress(event)]] as const
  for (const [name, key] of limits) await assertWithinLimit(name, key, TOO_MANY)
  let user
  try {
    user = await login(input)
  }
  catch (error) {
    for (const [name, key] of limits) await recordFailure(name, key)
    throw error
  }
  const { token, expiresAt } = await startSession(user)
  setSessionCookie(event, token, expiresAt)
  // The browser asks for the cookie alone, so its scripts never hold the token.
  return input.cookieOnly ? { user: toUser(user) } : { token, user: toUser(user) }
})
