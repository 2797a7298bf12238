import { ChangePasswordSchema } from '#shared/schemas/account'
import { changePassword } from '#server/services/password-change'
import { authenticate, requireUser, setSessionCookie } from '#server/utils/auth'
import { limitFailures } from '#server/utils/rate-limit'

// A stolen session must not be able to guess the current password at leisure.
export default defineEventHandler(async (event) => {
  const user = await requireUser(event)
  const input = await readValidatedBody(event, ChangePasswordSchema.parse)
  const { token, expiresAt } = await limitFailures('password', String(user.id), () => changePassword(user, input), 'Too many wrong passwords. Try again in a few minutes.')
  // Every other sign-in has ended; this one goes on with a new token, in the cookie for the browser.
  if ((await authenticate(event))?.via === 'cookie') {
    setSessionCookie(event, token, expiresAt)
    return { ok: true }
  }
  return { token }
})
