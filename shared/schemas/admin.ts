import { z } from './zod'
import { USER_ROLES } from '../types/api'
import { whole, wholeParam } from './common'
import { MAX_INPUT_IMAGES, MODEL_COST_LIMIT, MODEL_ID_PATTERN, MODEL_MAX_INPUT_IMAGES, SIZES, UPSTREAM_MODES } from '../constants/catalog'

const CREDIT_AMOUNT_LIMIT = 100_000
export const REASON_MAX_LENGTH = 200

export const USER_SORTS = ['createdAt', 'credits', 'email', 'lastActiveAt'] as const
export type UserSort = (typeof USER_SORTS)[number]
const SORT_ORDERS = ['asc', 'desc'] as const
export type SortOrder = (typeof SORT_ORDERS)[number]

export const CreditAmountSchema = whole(-CREDIT_AMOUNT_LIMIT, CREDIT_AMOUNT_LIMIT).refine(n => n !== 0, 'Must not be zero')
/** Why credits are granted or deducted: required, kept in the ledger. */
export const CreditReasonSchema = z.string().trim().min(1).max(REASON_MAX_LENGTH)

export const AddCreditsSchema = z.object({
  userId: z.number().int().positive().optional(),
  email: z.string().trim().toLowerCase().min(1).max(254).optional(),
  amount: CreditAmountSchema,
  reason: CreditReasonSchema,
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

const ModelFields = {
  label: z.string().trim().min(1).max(80),
  upstreamModel: z.string().trim().min(1).max(128),
  cost: whole(1, MODEL_COST_LIMIT),
  mode: z.enum(UPSTREAM_MODES),
  maxInputImages: whole(0, MODEL_MAX_INPUT_IMAGES),
  sizes: z.array(z.enum(SIZES)).min(1).max(SIZES.length).refine(list => new Set(list).size === list.length, 'No ratio twice'),
  enabled: z.boolean(),
  sortOrder: whole(-1_000_000, 1_000_000),
}

/** `POST /api/admin/models`: a new model in the catalogue. */
export const CreateModelSchema = z.object({
  id: z.string().trim().regex(MODEL_ID_PATTERN, 'Lower-case letters, digits, dots, dashes and underscores'),
  ...ModelFields,
  mode: ModelFields.mode.default('images'),
  maxInputImages: ModelFields.maxInputImages.default(MAX_INPUT_IMAGES),
  sizes: ModelFields.sizes.default([...SIZES]),
  enabled: ModelFields.enabled.default(false),
  sortOrder: ModelFields.sortOrder.default(100),
})
export type CreateModelInput = z.infer<typeof CreateModelSchema>

/** `PATCH /api/admin/models/:id`: any of the fields; a price change applies from the next generation on. */
export const PatchModelSchema = z.object(ModelFields).partial().refine(body => Object.keys(body).length > 0, {
  message: 'Give at least one field to change',
  path: ['_'],
})
export type PatchModelInput = z.infer<typeof PatchModelSchema>

export const ModelIdParamSchema = z.object({ id: z.string().regex(MODEL_ID_PATTERN) })
