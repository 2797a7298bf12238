import type { AnyColumn, SQL } from 'drizzle-orm'
import { and, asc, count, desc, eq, gte, inArray, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import type { SortOrder, UsersQuery, UserSort } from '#shared/schemas/admin'
import { useDb } from '#server/db'
import { contains } from '#server/repositories/like'
import { creditLedger, generationJobs, users, type UserRow } from '#server/db/schema'

export interface UserWithActivity extends UserRow {
  creationsCount: number
  lastActiveAt: Date
}

// Drizzle prints bare column names in a one-table select, so the correlated subqueries name their tables in plain SQL.
const creationsCount = sql<number>`(select count(*) from creations c where c.user_id = users.id)`.mapWith(Number)
// Every account has a signup ledger row, so this is never older than the account itself.
const lastActiveMs = sql<number>`max(
  users.created_at,
  coalesce((select max(l.created_at) from credit_ledger l where l.user_id = users.id), 0),
  coalesce((select max(c.created_at) from creations c where c.user_id = users.id), 0),
  coalesce((select max(j.created_at) from generation_jobs j where j.user_id = users.id), 0)
)`.mapWith(Number)

const SORT_COLUMNS: Record<UserSort, AnyColumn | SQL> = {
  createdAt: users.createdAt,
  credits: users.credits,
  email: users.email,
  lastActiveAt: lastActiveMs,
}

function emailMatches(query: string) {
  return contains(users.email, query)
}

function withActivity(row: { user: UserRow, creationsCount: number, lastActiveMs: number }): UserWithActivity {
  return { ...row.user, creationsCount: row.creationsCount, lastActiveAt: new Date(row.lastActiveMs) }
}

export async function listUsersWithActivity(query: UsersQuery): Promise<{ items: UserWithActivity[], total: number }> {
  const db = useDb()
  const where = emailMatches(query.query)
  const direction = (order: SortOrder) => (order === 'asc' ? asc : desc)
  const rows = db.select({ user: users, creationsCount, lastActiveMs })
    .from(users)
    .where(where)
    .orderBy(direction(query.order)(SORT_COLUMNS[query.sort]), direction(query.order)(users.id))
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .all()
  const total = db.select({ n: count() }).from(users).where(where).get()?.n ?? 0
  return { items: rows.map(withActivity), total }
}

export async function findUserWithActivity(id: number): Promise<UserWithActivity | undefined> {
  const row = useDb().select({ user: users, creationsCount, lastActiveMs }).from(users).where(eq(users.id, id)).get()
  return row && withActivity(row)
}

const actor = alias(users, 'actor')

export async function recentLedgerWithActors(userId: number, limit: number) {
  return useDb().select({ entry: creditLedger, actorEmail: actor.email })
    .from(creditLedger)
    .leftJoin(actor, eq(actor.id, creditLedger.actorId))
    .where(eq(creditLedger.userId, userId))
    .orderBy(desc(creditLedger.id))
    .limit(limit)
    .all()
}

export async function countUsers(since?: Date) {
  return useDb().select({ n: count() }).from(users)
    .where(since ? gte(users.createdAt, since) : undefined)
    .get()?.n ?? 0
}

export async function countJobs(since: Date) {
  return useDb().select({ n: count() }).from(generationJobs).where(gte(generationJobs.createdAt, since)).get()?.n ?? 0
}

export async function jobsByStatus(since: Date) {
  return useDb().select({ status: generationJobs.status, n: count() })
    .from(generationJobs)
    .where(gte(generationJobs.createdAt, since))
    .groupBy(generationJobs.status)
    .all()
}

/** Finished jobs since a moment: their outcome, error code and model latency. */
export async function finishedJobs(since: Date) {
  return useDb().select({ status: generationJobs.status, errorCode: generationJobs.errorCode, latencyMs: generationJobs.latencyMs })
    .from(generationJobs)
    .where(and(gte(generationJobs.createdAt, since), inArray(generationJobs.status, ['succeeded', 'failed'])))
    .all()
}

/** Credits granted (positive signup, admin and redeem changes) and spent (generation charges net of refunds). */
export async function creditTotals(since?: Date) {
  const row = useDb().select({
    granted: sql<number>`coalesce(sum(case when ${creditLedger.reason} in ('signup', 'admin_grant', 'redeem') and ${creditLedger.delta} > 0 then ${creditLedger.delta} else 0 end), 0)`.mapWith(Number),
    spent: sql<number>`coalesce(-sum(case when ${creditLedger.reason} in ('generation', 'refund') then ${creditLedger.delta} else 0 end), 0)`.mapWith(Number),
  }).from(creditLedger)
    .where(since ? gte(creditLedger.createdAt, since) : undefined)
    .get()
  return { granted: row?.granted ?? 0, spent: row?.spent ?? 0 }
}
