import { sql } from 'drizzle-orm'
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { GENERATION_KINDS } from '#shared/constants/catalog'
import { CREDIT_REASONS } from '#shared/schemas/account'
import { USER_ROLES } from '#shared/types/api'

/** `'a', 'b'` for a CHECK … IN (…) from one of the shared lists. */
const sqlList = (values: readonly string[]) => sql.raw(values.map(v => `'${v}'`).join(', '))

const createdAt = () => integer('created_at', { mode: 'timestamp_ms' }).notNull().$defaultFn(() => new Date())

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull(),
  passwordHash: text('password_hash').notNull(),
  credits: integer('credits').notNull().default(0),
  role: text('role', { enum: USER_ROLES }).notNull().default('user'),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  // Bumped on password change or disable: tokens carrying an older version stop working.
  tokenVersion: integer('token_version').notNull().default(0),
  createdAt: createdAt(),
}, t => [
  uniqueIndex('users_email_unique').on(t.email),
  check('users_credits_non_negative', sql`${t.credits} >= 0`),
  check('users_role_valid', sql`${t.role} in (${sqlList(USER_ROLES)})`),
])

// One row per sign-in: logout deletes it, and a sign-in unused for the idle limit stops working.
export const sessions = sqliteTable('sessions', {
  id: text('id').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
  lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
}, t => [
  index('sessions_user_idx').on(t.userId),
  index('sessions_expires_idx').on(t.expiresAt),
])

export const creations = sqliteTable('creations', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  prompt: text('prompt').notNull(),
  imageUrl: text('image_url').notNull(),
  thumbnailUrl: text('thumbnail_url').notNull(),
  modelUsed: text('model_used').notNull(),
  size: text('size').notNull(),
  kind: text('kind', { enum: GENERATION_KINDS }).notNull().default('text-to-image'),
  width: integer('width').notNull().default(0),
  height: integer('height').notNull().default(0),
  createdAt: createdAt(),
}, t => [
  index('creations_user_id_idx').on(t.userId, t.id),
])

export const generationJobs = sqliteTable('generation_jobs', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: GENERATION_KINDS }).notNull(),
  model: text('model').notNull(),
  size: text('size').notNull(),
  cost: integer('cost').notNull(),
  status: text('status', { enum: ['pending', 'succeeded', 'failed'] }).notNull().default('pending'),
  errorCode: text('error_code'),
  creationId: integer('creation_id').references(() => creations.id, { onDelete: 'set null' }),
  provider: text('provider').notNull(),
  latencyMs: integer('latency_ms'),
  createdAt: createdAt(),
  finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
}, t => [
  index('generation_jobs_status_idx').on(t.status),
  index('generation_jobs_created_idx').on(t.createdAt),
  index('generation_jobs_user_idx').on(t.userId),
])

export const creditLedger = sqliteTable('credit_ledger', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  delta: integer('delta').notNull(),
  balanceAfter: integer('balance_after').notNull(),
  reason: text('reason', { enum: CREDIT_REASONS }).notNull(),
  // What caused the change: `job:12`, `code:3`, …
  reference: text('reference'),
  actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
  note: text('note'),
  createdAt: createdAt(),
}, t => [
  index('credit_ledger_user_idx').on(t.userId, t.id),
])

export const redeemCodes = sqliteTable('redeem_codes', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  code: text('code').notNull(),
  credits: integer('credits').notNull(),
  maxUses: integer('max_uses').notNull().default(1),
  uses: integer('uses').notNull().default(0),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
}, t => [
  uniqueIndex('redeem_codes_code_unique').on(t.code),
  check('redeem_codes_uses_bounded', sql`${t.uses} <= ${t.maxUses}`),
])

export const redeemUses = sqliteTable('redeem_uses', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  codeId: integer('code_id').notNull().references(() => redeemCodes.id, { onDelete: 'cascade' }),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
}, t => [
  uniqueIndex('redeem_uses_code_user_unique').on(t.codeId, t.userId),
])

export type UserRow = typeof users.$inferSelect
export type SessionRow = typeof sessions.$inferSelect
export type CreationRow = typeof creations.$inferSelect
export type GenerationJobRow = typeof generationJobs.$inferSelect
export type LedgerRow = typeof creditLedger.$inferSelect
export type RedeemCodeRow = typeof redeemCodes.$inferSelect
