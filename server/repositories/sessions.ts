import { and, eq, lt, ne, or, sql } from 'drizzle-orm'
import { prepared, useDb } from '#server/db'
import { sessions, users, type SessionRow, type UserRow } from '#server/db/schema'

export async function createSession(session: Pick<SessionRow, 'id' | 'userId' | 'expiresAt'>, now = new Date()) {
  useDb().insert(sessions).values({ ...session, createdAt: now, lastSeenAt: now }).run()
}

/** The session and its user, in one read: what every signed-in request needs. */
export async function findSessionWithUser(id: string): Promise<{ session: SessionRow, user: UserRow } | undefined> {
  return prepared('findSessionWithUser', db => db.select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sql.placeholder('id')))
    .prepare()).get({ id })
}

export async function touchSession(id: string, now: Date) {
  prepared('touchSession', db => db.update(sessions).set({ lastSeenAt: sql`${sql.placeholder('now')}` }).where(eq(sessions.id, sql.placeholder('id'))).prepare())
    .run({ id, now: now.getTime() })
}

export async function deleteSession(id: string) {
  useDb().delete(sessions).where(eq(sessions.id, id)).run()
}

/** Ends every sign-in of a user, but the one named by `keep`. */
export async function deleteUserSessions(userId: number, keep?: string) {
  useDb().delete(sessions).where(keep ? and(eq(sessions.userId, userId), ne(sessions.id, keep)) : eq(sessions.userId, userId)).run()
}

/** Sessions past their lifetime or idle for longer than allowed. */
export async function deleteStaleSessions(now: Date, idleMs: number) {
  return useDb().delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, new Date(now.getTime() - idleMs))))
    .run().changes
}
