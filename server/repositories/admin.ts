import type { AnyColumn, SQL } from 'drizzle-orm'
import { and, asc, count, desc, eq, gte, inArray, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import type { SortOrder, UsersQuery, UserSort } from '#shared/schemas/admin'
import { first, useDb, useDialect, useTables, type Tables } from '#server/db'
import { contains } from '#server/repositories/like'
import type { UserRow } from '#server/db/schema'

export interface UserWithActivity extends UserRow {
  creationsCount: number
  lastActiveAt: Date
}

// Drizzle prints bare column names in a one-table select, so the correlated subqueries name their tables in plain SQL.
const creationsCount = sql<number>`(select count(*) from creations c where c.user_id = users.id)`.mapWith(Number)

// The latest moment of each kind of activity of the user in the row.
const LATEST = [['credit_ledger', 'l'], ['creations', 'c'], ['generation_jobs', 'j']]
  .map(([table, name]) => `(select max(${name}.created_at) from ${table} ${name} where ${name}.user_id = users.id)`)

/**
 * The latest of the account's creation and its activity, in ms. Every account has a signup ledger
 * row, so this is never older than the account itself. SQLite keeps ms, and its max() of several
 * values is NULL when one is; PostgreSQL's greatest() skips NULLs.
 */
function lastActiveMs() {
  const expression = useDialect() === 'postgres'
    ? `(extract(epoch from greatest(users.created_at, ${LATEST.join(', ')})) * 1000)::float8`
    : `max(users.created_at, ${LATEST.map(latest => `coalesce(${latest}, 0)`).join(', ')})`
  return sql<number>`${sql.raw(expression)}`.mapWith(Number)
}

function sortColumn(sort: UserSort, { users }: Tables): AnyColumn | SQL {
  if (sort === 'lastActiveAt') return lastActiveMs()
  return users[sort]
}

function withActivity(row: { user: UserRow, creationsCount: number, lastActiveMs: number }): UserWithActivity {
  return { ...row.user, creationsCount: row.creationsCount, lastActiveAt: new Date(row.lastActiveMs) }
}

export async function listUsersWithActivity(query: UsersQuery): Promise<{ items: UserWithActivity[], total: number }> {
  const db = useDb()
  const tables = useTables()
  const { users } = tables
  const where = contains(users.email, query.query)
  const direction = (order: SortOrder) => (order === 'asc' ? asc : desc)
  const rows = await db.select({ user: users, creationsCount, lastActiveMs: lastActiveMs() })
    .from(users)
    .where(where)
    .orderBy(direction(query.order)(sortColumn(query.sort, tables)), direction(query.order)(users.id))
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
  const total = (await first(db.select({ n: count() }).from(users).where(where)))?.n ?? 0
  return { items: rows.map(withActivity), total }
}

export async function findUserWithActivity(id: number): Promise<UserWithActivity | undefined> {
  const { users } = useTables()
  const row = await first(useDb().select({ user: users, creationsCount, lastActiveMs: lastActiveMs() }).from(users).where(eq(users.id, id)))
  return row && withActivity(row)
}

export async function recentLedgerWithActors(userId: number, limit: number) {
  const { users, creditLedger } = useTables()
  const actor = alias(users, 'actor')
  return useDb().select({ entry: creditLedger, actorEmail: actor.email })
    .from(creditLedger)
    .leftJoin(actor, eq(actor.id, creditLedger.actorId))
    .where(eq(creditLedger.userId, userId))
    .orderBy(desc(creditLedger.id))
    .limit(limit)
}

export async function countUsers(since?: Date) {
  const { users } = useTables()
  return (await first(useDb().select({ n: count() }).from(users).where(since ? gte(users.createdAt, since) : undefined)))?.n ?? 0
}

export async function countJobs(since: Date) {
  const { generationJobs } = useTables()
  return (await first(useDb().select({ n: count() }).from(generationJobs).where(gte(generationJobs.createdAt, since))))?.n ?? 0
}

export async function jobsByStatus(since: Date) {
  const { generationJobs } = useTables()
  return useDb().select({ status: generationJobs.status, n: count() })
    .from(generationJobs)
    .where(gte(generationJobs.createdAt, since))
    .groupBy(generationJobs.status)
}

/** Finished jobs since a moment: their outcome, error code and model latency. */
export async function finishedJobs(since: Date) {
  const { generationJobs } = useTables()
  return useDb().select({ status: generationJobs.status, errorCode: generationJobs.errorCode, latencyMs: generationJobs.latencyMs })
    .from(generationJobs)
    .where(and(gte(generationJobs.createdAt, since), inArray(generationJobs.status, ['succeeded', 'failed'])))
}

/** Credits granted (positive signup, admin and redeem changes) and spent (generation charges net of refunds). */
export async function creditTotals(since?: Date) {
  const { creditLedger } = useTables()
  const row = await first(useDb().select({
    granted: sql<number>`coalesce(sum(case when ${creditLedger.reason} in ('signup', 'admin_grant', 'redeem') and ${creditLedger.delta} > 0 then ${creditLedger.delta} else 0 end), 0)`.mapWith(Number),
    spent: sql<number>`coalesce(-sum(case when ${creditLedger.reason} in ('generation', 'refund') then ${creditLedger.delta} else 0 end), 0)`.mapWith(Number),
  }).from(creditLedger)
    .where(since ? gte(creditLedger.createdAt, since) : undefined))
  return { granted: row?.granted ?? 0, spent: row?.spent ?? 0 }
}
