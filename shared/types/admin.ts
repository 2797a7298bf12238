import type { CreditReason } from '../schemas/account'
import type { Creation, PagedList, User } from './api'

/** A user as the admin area sees it. `lastActiveAt`: the latest of their ledger rows, creations and generation jobs (sign-up at the least). */
export interface AdminUser extends User {
  disabled: boolean
  creationsCount: number
  lastActiveAt: string
}

export type AdminUserList = PagedList<AdminUser>

export interface AdminLedgerEntry {
  id: number
  delta: number
  balanceAfter: number
  reason: CreditReason
  reference: string | null
  actorId: number | null
  actorEmail: string | null
  note: string | null
  createdAt: string
}

export interface AdminUserDetail {
  user: AdminUser
  ledger: AdminLedgerEntry[]
  creations: Creation[]
}

export interface AdminStats {
  users: { total: number, newLast7Days: number }
  /** `today` counts from local midnight of the server; outcomes are over the last 7 days. */
  generations: {
    today: number
    last7Days: number
    byOutcome: { succeeded: number, failed: number, pending: number }
  }
  /** granted: every positive signup/admin/redeem change; spent: generation charges minus refunds. */
  credits: {
    allTime: { granted: number, spent: number }
    last7Days: { granted: number, spent: number }
  }
  /** Jobs created in the last 24 hours. errorRate is null when none finished. */
  upstream: {
    finished: number
    upstreamErrors: number
    errorRate: number | null
    medianLatencyMs: number | null
  }
}

export type RedeemCodeState = 'active' | 'used_up' | 'expired'

export interface RedeemCode {
  id: number
  code: string
  credits: number
  maxUses: number
  uses: number
  expiresAt: string | null
  state: RedeemCodeState
  createdBy: number | null
  createdAt: string
}

export type RedeemCodeList = PagedList<RedeemCode>

export interface RedeemResult {
  /** Credits this code added. */
  credits: number
  /** The account after redeeming (its new balance). */
  user: User
}
