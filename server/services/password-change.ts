import type { ChangePasswordInput } from '#shared/schemas/account'
import type { UserRow } from '#server/db/schema'
import { updateUser } from '#server/repositories/users'
import { endUserSessions, startSession } from '#server/services/sessions'
import { AppError } from '#server/utils/errors'
import { assertUncommonPassword, hashPassword, verifyPassword } from '#server/utils/password'

/**
 * Sets a new password after checking the current one. The token version moves on, so every token
 * issued before (other browsers, stolen copies) stops working; the caller gets a fresh one.
 */
export async function changePassword(user: UserRow, input: ChangePasswordInput): Promise<{ token: string, expiresAt: Date }> {
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) throw new AppError('INVALID_CREDENTIALS', 'The current password is incorrect.')
  await assertUncommonPassword(input.newPassword, 'newPassword')
  const updated = await updateUser(user.id, {
    passwordHash: await hashPassword(input.newPassword),
    tokenVersion: user.tokenVersion + 1,
  })
  if (!updated) throw new AppError('UNAUTHORIZED')
  await endUserSessions(user.id)
  return startSession(updated)
}
