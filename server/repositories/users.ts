import { eq } from 'drizzle-orm'
import { useDb } from '../db'
import { users, type UserRow } from '../db/schema'
import { changeCredits } from './ledger'

export function findUserById(id: number): UserRow | undefined {
  return useDb().select().from(users).where(eq(users.id, id)).get()
}

export function findUserByEmail(email: string): UserRow | undefined {
  return useDb().select().from(users).where(eq(users.email, email)).get()
}

/** Creates the account and its signup grant (the ledger's first row) together, or returns null if the email is taken. */
export function createUser(input: { email: string, passwordHash: string, credits: number, role?: UserRow['role'] }): UserRow | null {
  const db = useDb()
  return db.transaction((tx) => {
    const user = tx.insert(users)
      .values({ email: input.email, passwordHash: input.passwordHash, credits: 0, role: input.role ?? 'user' })
      .onConflictDoNothing({ target: users.email })
      .returning()
      .get()
    if (!user) return null
    const credits = changeCredits({ userId: user.id, delta: input.credits, reason: 'signup' }, tx)!
    return { ...user, credits }
  })
}

export function updateUser(id: number, patch: Partial<Pick<UserRow, 'passwordHash' | 'role' | 'disabled' | 'tokenVersion'>>) {
  return useDb().update(users).set(patch).where(eq(users.id, id)).returning().get()
}
