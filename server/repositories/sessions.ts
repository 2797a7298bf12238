import { and, eq, lt, ne, or, sql } from 'drizzle-orm'
import { inTransaction, placeholder, prepared, useDb, useTables } from '#server/db'
import type { SessionRow, UserRow } from '#server/db/schema'

export async function createSession(session: Pick<SessionRow, 'id' | 'userId' | 'expiresAt'>, now = new Date()) {
  const { sessions } = useTables()
  await inTransaction(tx => tx.insert(sessions).values({ ...session, createdAt: now, lastSeenAt: now }))
}

/** The session and its user, in one read: what every signed-in request needs. */
export async function findSessionWithUser(id: string): Promise<{ session: SessionRow, user: UserRow } | undefined> {
  const [found] = await prepared(useDb(), 'findSessionWithUser', (db, { sessions, users }) => db.select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sql.placeholder('id'))))({ id })
  return found
}

export async function touchSession(id: string, now: Date) {
  await inTransaction(tx => prepared(tx, 'touchSession', (db, { sessions }) => db.update(sessions)
    .set({ lastSeenAt: placeholder<Date>('now') })
    .where(eq(sessions.id, sql.placeholder('id'))))({ id, now }))
}

export async function deleteSession(id: string) {
  const { sessions } = useTables()
  await inTransaction(tx => tx.delete(sessions).where(eq(sessions.id, id)))
}

/** Ends every sign-in of a user, but the one named by `keep`. */
export async function deleteUserSessions(userId: number, keep?: string) {
  const { sessions } = useTables()
  await inTransaction(tx => tx.delete(sessions).where(keep ? and(eq(sessions.userId, userId), ne(sessions.id, keep)) : eq(sessions.userId, userId)))
}

/** Sessions past their lifetime or idle for longer than allowed; returns how many went. */
export async function deleteStaleSessions(now: Date, idleMs: number) {
  const { sessions } = useTables()
  const gone = await inTransaction(tx => tx.delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, new Date(now.getTime() - idleMs))))
    .returning({ id: sessions.id }))
  return gone.length
}
