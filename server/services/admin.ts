import type { AddCreditsInput, PatchUserInput, UsersQuery } from '../../shared/schemas/admin'
import type { AdminLedgerEntry, AdminStats, AdminUser, AdminUserDetail } from '../../shared/types/admin'
import type { UserRow } from '../db/schema'
import {
  countJobs, countUsers, creditTotals, finishedJobs, findUserWithActivity, jobsByStatus,
  listUsersWithActivity, recentLedgerWithActors, type UserWithActivity,
} from '../repositories/admin'
import { listOwnedCreations } from '../repositories/creations'
import { changeCredits } from '../repositories/ledger'
import { deleteUserSessions } from '../repositories/sessions'
import { findUserByEmail, findUserById, updateUser } from '../repositories/users'
import { toCreation, toUser } from '../utils/dto'
import { apiError } from '../utils/errors'

const DAY_MS = 24 * 3600_000
const RECENT_LEDGER = 50
const RECENT_CREATIONS = 24
// Failures that are the model service's fault, not the user's or ours.
const UPSTREAM_ERROR_CODES = new Set(['UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT', 'RATE_LIMITED', 'CONTENT_REJECTED'])

export function toAdminUser(row: UserWithActivity): AdminUser {
  return { ...toUser(row), disabled: row.disabled, creationsCount: row.creationsCount, lastActiveAt: row.lastActiveAt.toISOString() }
}

export function listUsers(query: UsersQuery) {
  const { items, total } = listUsersWithActivity(query)
  return { items: items.map(toAdminUser), total }
}

function requireAdminUser(id: number): UserWithActivity {
  const user = findUserWithActivity(id)
  if (!user) throw apiError('NOT_FOUND', 'No such user.')
  return user
}

export function userDetail(id: number): AdminUserDetail {
  const user = requireAdminUser(id)
  const ledger: AdminLedgerEntry[] = recentLedgerWithActors(id, RECENT_LEDGER).map(({ entry, actorEmail }) => ({
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
  return { user: toAdminUser(user), ledger, creations: listOwnedCreations(id, RECENT_CREATIONS).map(toCreation) }
}

/** Changes role or access. Disabling also ends every token the user holds; nothing of theirs is deleted. */
export function updateUserAccess(id: number, patch: PatchUserInput, admin: Pick<UserRow, 'id'>): AdminUser {
  const target = requireAdminUser(id)
  if (target.id === admin.id && (patch.role === 'user' || patch.disabled === true)) {
    throw apiError('FORBIDDEN', 'You cannot demote or disable your own account.')
  }
  const disabling = patch.disabled === true && !target.disabled
  updateUser(id, {
    ...(patch.role !== undefined ? { role: patch.role } : {}),
    ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
    ...(disabling ? { tokenVersion: target.tokenVersion + 1 } : {}),
  })
  if (disabling) deleteUserSessions(id)
  return toAdminUser(requireAdminUser(id))
}

/**
 * Grants (or, with a negative amount, deducts) credits with a ledger row naming the acting admin
 * (null from the command line). A deduction below zero changes nothing.
 */
export function addCredits(input: AddCreditsInput, actorId: number | null, reference: string | null = null): UserRow {
  const target = input.userId !== undefined
    ? findUserById(input.userId)
    : input.email !== undefined ? findUserByEmail(input.email) : undefined
  if (!target) throw apiError('NOT_FOUND', 'No such user.')
  const balance = changeCredits({ userId: target.id, delta: input.amount, reason: 'admin_grant', reference, actorId, note: input.reason || null })
  if (balance === null) {
    throw apiError('VALIDATION_ERROR', 'The balance would go below zero.', { fields: { amount: ['The balance would go below zero'] } })
  }
  return { ...target, credits: balance }
}

function median(values: number[]): number | null {
  if (!values.length) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2)
}

export function adminStats(now = new Date()): AdminStats {
  const weekAgo = new Date(now.getTime() - 7 * DAY_MS)
  const dayAgo = new Date(now.getTime() - DAY_MS)
  const midnight = new Date(now)
  midnight.setHours(0, 0, 0, 0)

  const byOutcome = { succeeded: 0, failed: 0, pending: 0 }
  for (const { status, n } of jobsByStatus(weekAgo)) byOutcome[status] = n

  const finished = finishedJobs(dayAgo)
  const upstreamErrors = finished.filter(job => job.status === 'failed' && job.errorCode && UPSTREAM_ERROR_CODES.has(job.errorCode)).length
  const latencies = finished.flatMap(job => (job.status === 'succeeded' && job.latencyMs !== null ? [job.latencyMs] : []))

  return {
    users: { total: countUsers(), newLast7Days: countUsers(weekAgo) },
    generations: { today: countJobs(midnight), last7Days: countJobs(weekAgo), byOutcome },
    credits: { allTime: creditTotals(), last7Days: creditTotals(weekAgo) },
    upstream: {
      finished: finished.length,
      upstreamErrors,
      errorRate: finished.length ? upstreamErrors / finished.length : null,
      medianLatencyMs: median(latencies),
    },
  }
}

export function promoteUser(email: string): UserRow {
  const existing = findUserByEmail(email)
  if (!existing) throw apiError('NOT_FOUND', 'No such user.')
  const user = updateUser(existing.id, { role: 'admin' })
  if (!user) throw apiError('NOT_FOUND', 'No such user.')
  return user
}
