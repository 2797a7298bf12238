import type { LoginInput, RegisterInput } from '#shared/schemas/auth'
import type { UserRow } from '#server/db/schema'
import { createUser, findUserByEmail, updateUser } from '#server/repositories/users'
import { useServerConfig } from '#server/utils/config'
import { AppError } from '#server/utils/errors'
import { assertUncommonPassword, hashPassword, verifyAgainstDummy, verifyPassword } from '#server/utils/password'

export async function register(input: RegisterInput): Promise<UserRow> {
  if (await findUserByEmail(input.email)) throw new AppError('EMAIL_TAKEN')
  await assertUncommonPassword(input.password, 'password')
  const user = await createUser({
    email: input.email,
    passwordHash: await hashPassword(input.password),
    credits: useServerConfig().signupCredits,
  })
  // A parallel registration of the same email can win between the check and the insert.
  if (!user) throw new AppError('EMAIL_TAKEN')
  return user
}

/** The account these credentials open; the caller starts the session. */
export async function login(input: LoginInput): Promise<UserRow> {
  const user = await findUserByEmail(input.email)
  const valid = user
    ? await verifyPassword(user.passwordHash, input.password)
    : await verifyAgainstDummy(input.password)
  if (!user || !valid || user.disabled) throw new AppError('INVALID_CREDENTIALS')
  return user
}

/**
 * NUXT_ADMIN_EMAIL / NUXT_ADMIN_PASSWORD and `npm run admin -- create-admin`: that account exists as an
 * enabled admin with this password. A changed password ends the account's old sign-ins.
 */
export async function ensureAdmin(email: string, password: string, signupCredits: number, again = false): Promise<{ user: UserRow, created: boolean }> {
  const existing = await findUserByEmail(email)
  if (existing) {
    const samePassword = await verifyPassword(existing.passwordHash, password)
    const user = await updateUser(existing.id, {
      role: 'admin',
      disabled: false,
      ...(samePassword ? {} : { passwordHash: await hashPassword(password), tokenVersion: existing.tokenVersion + 1 }),
    })
    if (!user) throw new AppError('NOT_FOUND', 'No such user.')
    return { user, created: false }
  }
  const user = await createUser({ email, passwordHash: await hashPassword(password), credits: signupCredits, role: 'admin' })
  // Created meanwhile (another instance starting at the same moment): made an admin as above.
  if (!user) {
    if (again) throw new AppError('EMAIL_TAKEN')
    return ensureAdmin(email, password, signupCredits, true)
  }
  return { user, created: true }
}
