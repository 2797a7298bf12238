import { z } from './zod'
import { PasswordSchema } from './auth'

export const CREDIT_REASONS = ['signup', 'generation', 'refund', 'admin_grant', 'redeem'] as const
export type CreditReason = (typeof CREDIT_REASONS)[number]

export const LedgerQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  // The id of the last row of the previous page; pages run newest first.
  cursor: z.string().regex(/^[1-9]\d{0,15}$/).transform(Number).optional(),
})

export interface LedgerEntry {
  id: number
  delta: number
  balanceAfter: number
  reason: CreditReason
  createdAt: string
}

export interface LedgerPage {
  items: LedgerEntry[]
  nextCursor: string | null
}

export const ChangePasswordSchema = z.object({
  currentPassword: z.string().min(1).max(128),
  newPassword: PasswordSchema,
})
export type ChangePasswordInput = z.infer<typeof ChangePasswordSchema>
