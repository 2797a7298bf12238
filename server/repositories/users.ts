import { eq, sql } from 'drizzle-orm'
import { first, inTransaction, prepared, useDb, useTables } from '#server/db'
import type { UserRow } from '#server/db/schema'
import { applyCreditChange } from '#server/repositories/ledger'

export async function findUserById(id: number): Promise<UserRow | undefined> {
  const [user] = await prepared(useDb(), 'findUserById', (db, { users }) => db.select().from(users).where(eq(users.id, sql.placeholder('id'))))({ id })
  return user
}

export async function findUserByEmail(email: string): Promise<UserRow | undefined> {
  const { users } = useTables()
  return first(useDb().select().from(users).where(eq(users.email, email)))
}

/** Creates the account and its signup grant (the ledger's first row) together, or returns null if the email is taken. */
export async function createUser(input: { email: string, passwordHash: string, credits: number, role?: UserRow['role'] }): Promise<UserRow | null> {
  const { users } = useTables()
  return inTransaction(async (tx) => {
    const [user] = await tx.insert(users)
      .values({ email: input.email, passwordHash: input.passwordHash, credits: 0, role: input.role ?? 'user' })
      .onConflictDoNothing({ target: users.email })
      .returning()
    if (!user) return null
    const credits = (await applyCreditChange(tx, { userId: user.id, delta: input.credits, reason: 'signup' }))!
    return { ...user, credits }
  })
}

export async function updateUser(id: number, patch: Partial<Pick<UserRow, 'passwordHash' | 'role' | 'disabled' | 'tokenVersion'>>): Promise<UserRow | undefined> {
  const { users } = useTables()
  return inTransaction(tx => first(tx.update(users).set(patch).where(eq(users.id, id)).returning()))
}
