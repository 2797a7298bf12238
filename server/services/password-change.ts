import type { ChangePasswordInput } from '#shared/schemas/account'
import type { UserRow } from '../db/schema'
import { deleteUserSessions } from '../repositories/sessions'
import { updateUser } from '../repositories/users'
import { startSession } from '../utils/auth'
import { apiError } from '../utils/errors'
import { assertUncommonPassword, hashPassword, verifyPassword } from '../utils/password'

/**
 * Sets a new password after checking the current one. The token version moves on, so every token
 * issued before (other browsers, stolen copies) stops working; the caller gets a fresh one.
 */
export async function changePassword(user: UserRow, input: ChangePasswordInput): Promise<{ token: string, expiresAt: Date }> {
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) throw apiError('INVALID_CREDENTIALS', 'The current password is incorrect.')
  await assertUncommonPassword(input.newPassword, 'newPassword')
  const updated = updateUser(user.id, {
    passwordHash: await hashPassword(input.newPassword),
    tokenVersion: user.tokenVersion + 1,
  })
  if (!updated) throw apiError('UNAUTHORIZED')
  deleteUserSessions(user.id)
  return startSession(updated)
}
