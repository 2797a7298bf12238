import { eq, sql } from 'drizzle-orm'
import { inTransaction, prepared, useDb } from '#server/db'
import { users, type UserRow } from '#server/db/schema'
import { applyCreditChange } from '#server/repositories/ledger'

export async function findUserById(id: number): Promise<UserRow | undefined> {
  return prepared('findUserById', db => db.select().from(users).where(eq(users.id, sql.placeholder('id'))).prepare()).get({ id })
}

export async function findUserByEmail(email: string): Promise<UserRow | undefined> {
  return useDb().select().from(users).where(eq(users.email, email)).get()
}

/** Creates the account and its signup grant (the ledger's first row) together, or returns null if the email is taken. */
export async function createUser(input: { email: string, passwordHash: string, credits: number, role?: UserRow['role'] }): Promise<UserRow | null> {
  return inTransaction((tx) => {
    const user = tx.insert(users)
      .values({ email: input.email, passwordHash: input.passwordHash, credits: 0, role: input.role ?? 'user' })
      .onConflictDoNothing({ target: users.email })
      .returning()
      .get()
    if (!user) return null
    const credits = applyCreditChange(tx, { userId: user.id, delta: input.credits, reason: 'signup' })!
    return { ...user, credits }
  })
}

export async function updateUser(id: number, patch: Partial<Pick<UserRow, 'passwordHash' | 'role' | 'disabled' | 'tokenVersion'>>): Promise<UserRow | undefined> {
  return useDb().update(users).set(patch).where(eq(users.id, id)).returning().get()
}
