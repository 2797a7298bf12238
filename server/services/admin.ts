import type { AddCreditsInput, PatchUserInput, UsersQuery } from '#shared/schemas/admin'
import type { AdminLedgerEntry, AdminStats, AdminUser, AdminUserDetail } from '#shared/types/admin'
import type { UserRow } from '#server/db/schema'
import {
  countJobs, countUsers, creditTotals, finishedJobs, findUserWithActivity, jobsByStatus,
  listUsersWithActivity, recentLedgerWithActors, type UserWithActivity,
} from '#server/repositories/admin'
import { listOwnedCreations } from '#server/repositories/creations'
import { changeCredits } from '#server/repositories/ledger'
import { findUserByEmail, findUserById, updateUser } from '#server/repositories/users'
import { endUserSessions } from '#server/services/sessions'
import { toCreation, toUser } from '#server/utils/dto'
import { AppError } from '#server/utils/errors'

const DAY_MS = 24 * 3600_000
const RECENT_LEDGER = 50
const RECENT_CREATIONS = 24
// Failures that are the model service's fault, not the user's or ours.
const UPSTREAM_ERROR_CODES = new Set(['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT', 'RATE_LIMITED', 'CONTENT_REJECTED'])

function toAdminUser(row: UserWithActivity): AdminUser {
  return { ...toUser(row), disabled: row.disabled, creationsCount: row.creationsCount, lastActiveAt: row.lastActiveAt.toISOString() }
}

export async function listUsers(query: UsersQuery) {
  const { items, total } = await listUsersWithActivity(query)
  return { items: items.map(toAdminUser), total }
}

async function requireAdminUser(id: number): Promise<UserWithActivity> {
  const user = await findUserWithActivity(id)
  if (!user) throw new AppError('NOT_FOUND', 'No such user.')
  return user
}

export async function userDetail(id: number): Promise<AdminUserDetail> {
  const user = await requireAdminUser(id)
  const ledger: AdminLedgerEntry[] = (await recentLedgerWithActors(id, RECENT_LEDGER)).map(({ entry, actorEmail }) => ({
    id: entry.id,
    delta: entry.delta,
    balanceAfter: entry.balanceAfter,
    reason: entry.reason,
    reference: entry.reference,
    actorId: entry.actorId,
    actorEmail,
    note: entry.note,
    createdAt: entry.createdAt.toISOString(),
  }))
  return { user: toAdminUser(user), ledger, creations: (await listOwnedCreations(id, RECENT_CREATIONS)).map(toCreation) }
}

/** Changes role or access. Disabling also ends every token the user holds; nothing of theirs is deleted. */
export async function updateUserAccess(id: number, patch: PatchUserInput, admin: Pick<UserRow, 'id'>): Promise<AdminUser> {
  const target = await requireAdminUser(id)
  if (target.id === admin.id && (patch.role === 'user' || patch.disabled === true)) {
    throw new AppError('FORBIDDEN', 'You cannot demote or disable your own account.')
  }
  const disabling = patch.disabled === true && !target.disabled
  await updateUser(id, {
    ...(patch.role !== undefined ? { role: patch.role } : {}),
    ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
    ...(disabling ? { tokenVersion: target.tokenVersion + 1 } : {}),
  })
  if (disabling) await endUserSessions(id)
  return toAdminUser(await requireAdminUser(id))
}

/**
 * Grants (or, with a negative amount, deducts) credits with a ledger row naming the acting admin
 * (null from the command line). A deduction below zero changes nothing.
 */
export async function addCredits(input: AddCreditsInput, actorId: number | null, reference: string | null = null): Promise<UserRow> {
  const target = input.userId !== undefined
    ? await findUserById(input.userId)
    : input.email !== undefined ? await findUserByEmail(input.email) : undefined
  if (!target) throw new AppError('NOT_FOUND', 'No such user.')
  const balance = await changeCredits({ userId: target.id, delta: input.amount, reason: 'admin_grant', reference, actorId, note: input.reason || null })
  if (balance === null) {
    throw new AppError('VALIDATION_ERROR', 'The balance would go below zero.', { fields: { amount: ['The balance would go below zero'] } })
  }
  return { ...target, credits: balance }
}

function median(values: number[]): number | null {
  if (!values.length) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2)
}

export async function adminStats(now = new Date()): Promise<AdminStats> {
  const weekAgo = new Date(now.getTime() - 7 * DAY_MS)
  const dayAgo = new Date(now.getTime() - DAY_MS)
  const midnight = new Date(now)
  midnight.setHours(0, 0, 0, 0)

  const byOutcome = { succeeded: 0, failed: 0, pending: 0 }
  // Queued and running jobs are both still pending an outcome.
  for (const { status, n } of await jobsByStatus(weekAgo)) byOutcome[status === 'queued' || status === 'running' ? 'pending' : status] += n

  const finished = await finishedJobs(dayAgo)
  const upstreamErrors = finished.filter(job => job.status === 'failed' && job.errorCode && UPSTREAM_ERROR_CODES.has(job.errorCode)).length
  const latencies = finished.flatMap(job => (job.status === 'succeeded' && job.latencyMs !== null ? [job.latencyMs] : []))

  return {
    users: { total: await countUsers(), newLast7Days: await countUsers(weekAgo) },
    generations: { today: await countJobs(midnight), last7Days: await countJobs(weekAgo), byOutcome },
    credits: { allTime: await creditTotals(), last7Days: await creditTotals(weekAgo) },
    upstream: {
      finished: finished.length,
      upstreamErrors,
      errorRate: finished.length ? upstreamErrors / finished.length : null,
      medianLatencyMs: median(latencies),
    },
  }
}

export async function promoteUser(email: string): Promise<UserRow> {
  const existing = await findUserByEmail(email)
  if (!existing) throw new AppError('NOT_FOUND', 'No such user.')
  const user = await updateUser(existing.id, { role: 'admin' })
  if (!user) throw new AppError('NOT_FOUND', 'No such user.')
  return user
}
