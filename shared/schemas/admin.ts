import { z } from './zod'
import { USER_ROLES } from '../types/api'
import { whole, wholeParam } from './common'

export const CREDIT_AMOUNT_LIMIT = 100_000
export const REASON_MAX_LENGTH = 200

export const USER_SORTS = ['createdAt', 'credits', 'email', 'lastActiveAt'] as const
export type UserSort = (typeof USER_SORTS)[number]
const SORT_ORDERS = ['asc', 'desc'] as const
export type SortOrder = (typeof SORT_ORDERS)[number]

export const CreditAmountSchema = whole(-CREDIT_AMOUNT_LIMIT, CREDIT_AMOUNT_LIMIT).refine(n => n !== 0, 'Must not be zero')
export const CreditReasonSchema = z.string().trim().max(REASON_MAX_LENGTH)

export const AddCreditsSchema = z.object({
  userId: z.number().int().positive().optional(),
  email: z.string().trim().toLowerCase().min(1).max(254).optional(),
  amount: CreditAmountSchema,
  reason: CreditReasonSchema.optional(),
}).refine(body => (body.userId === undefined) !== (body.email === undefined), {
  message: 'Give exactly one of userId and email',
  path: ['userId'],
})
export type AddCreditsInput = z.infer<typeof AddCreditsSchema>

export const UsersQuerySchema = z.object({
  query: z.string().trim().toLowerCase().max(254).default(''),
  page: wholeParam(1, 1_000_000).default(1),
  pageSize: wholeParam(1, 100).default(20),
  sort: z.enum(USER_SORTS).default('createdAt'),
  order: z.enum(SORT_ORDERS).default('desc'),
})
export type UsersQuery = z.infer<typeof UsersQuerySchema>

export const PatchUserSchema = z.object({
  role: z.enum(USER_ROLES).optional(),
  disabled: z.boolean().optional(),
}).refine(body => body.role !== undefined || body.disabled !== undefined, {
  message: 'Give role or disabled',
  path: ['role'],
})
export type PatchUserInput = z.infer<typeof PatchUserSchema>

export const CreateCodesSchema = z.object({
  credits: whole(1, CREDIT_AMOUNT_LIMIT),
  count: whole(1, 100),
  expiresAt: z.iso.datetime({ offset: true })
    .refine(value => Date.parse(value) > Date.now(), 'Must be in the future')
    .optional(),
  maxUses: whole(1, 100_000).default(1),
})
export type CreateCodesInput = z.infer<typeof CreateCodesSchema>

export const PageQuerySchema = z.object({
  page: wholeParam(1, 1_000_000).default(1),
  pageSize: wholeParam(1, 100).default(20),
})
export type PageQuery = z.infer<typeof PageQuerySchema>

export const RedeemSchema = z.object({
  code: z.string().trim().min(1).max(64),
})
