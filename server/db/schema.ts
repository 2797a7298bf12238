import { sql } from 'drizzle-orm'
import { blob, check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { GENERATION_KINDS, JOB_STATUSES, UPSTREAM_MODES, type Size } from '#shared/constants/catalog'
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
  // Moved on with every change to the user's creations, in the change's own transaction: the
  // gallery's remembered pages (server/services/gallery.ts) are keyed by it.
  galleryVersion: integer('gallery_version').notNull().default(0),
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
  // The job that made it, and the model name the gateway was asked for (modelUsed is our public id).
  jobId: integer('job_id'),
  upstreamModel: text('upstream_model'),
  favorite: integer('favorite', { mode: 'boolean' }).notNull().default(false),
  createdAt: createdAt(),
}, t => [
  index('creations_user_id_idx').on(t.userId, t.id),
  index('creations_user_favorite_idx').on(t.userId, t.favorite, t.id),
  index('creations_job_idx').on(t.jobId),
])

// The model catalogue, run from the admin page; seeded at first start.
export const models = sqliteTable('models', {
  id: text('id').primaryKey(),
  label: text('label').notNull(),
  upstreamModel: text('upstream_model').notNull(),
  cost: integer('cost').notNull(),
  mode: text('mode', { enum: UPSTREAM_MODES }).notNull().default('images'),
  maxInputImages: integer('max_input_images').notNull().default(3),
  sizes: text('sizes', { mode: 'json' }).$type<Size[]>().notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  sortOrder: integer('sort_order').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull().$defaultFn(() => new Date()),
}, t => [
  check('models_cost_positive', sql`${t.cost} >= 1`),
  check('models_max_input_images', sql`${t.maxInputImages} between 0 and 14`),
  check('models_mode_valid', sql`${t.mode} in (${sqlList(UPSTREAM_MODES)})`),
])

// A generation: the row is the truth about it, so any server instance can serve its status.
export const generationJobs = sqliteTable('generation_jobs', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: GENERATION_KINDS }).notNull(),
  model: text('model').notNull(),
  size: text('size').notNull(),
  prompt: text('prompt').notNull().default(''),
  n: integer('n').notNull().default(1),
  // Credits per picture, at the price of the moment; n × cost was reserved.
  cost: integer('cost').notNull(),
  status: text('status', { enum: JOB_STATUSES }).notNull().default('queued'),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  // Pictures that failed in a batch: [{code, message}], each refunded.
  failures: text('failures', { mode: 'json' }).$type<{ code: string, message: string }[]>().notNull().default(sql`'[]'`),
  // The first picture made (the others point to the job).
  creationId: integer('creation_id').references(() => creations.id, { onDelete: 'set null' }),
  provider: text('provider').notNull(),
  // Which server instance runs it, and until when that claim holds unless renewed.
  worker: text('worker'),
  leaseExpiresAt: integer('lease_expires_at', { mode: 'timestamp_ms' }),
  latencyMs: integer('latency_ms'),
  createdAt: createdAt(),
  startedAt: integer('started_at', { mode: 'timestamp_ms' }),
  finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
}, t => [
  index('generation_jobs_status_idx').on(t.status, t.id),
  index('generation_jobs_created_idx').on(t.createdAt),
  index('generation_jobs_user_idx').on(t.userId, t.status),
])

// Reference images of a job waiting to run, kept with it so that any instance can run it; gone when it ends.
export const generationInputs = sqliteTable('generation_inputs', {
  jobId: integer('job_id').notNull().references(() => generationJobs.id, { onDelete: 'cascade' }),
  position: integer('position').notNull(),
  mime: text('mime').notNull(),
  data: blob('data', { mode: 'buffer' }).notNull(),
}, t => [
  primaryKey({ columns: [t.jobId, t.position] }),
])

// What admins changed besides credits (those are in the ledger): who, what, and the values.
export const auditLog = sqliteTable('audit_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
  action: text('action').notNull(),
  target: text('target').notNull(),
  details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
}, t => [
  index('audit_log_created_idx').on(t.createdAt),
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
export type ModelRow = typeof models.$inferSelect
export type LedgerRow = typeof creditLedger.$inferSelect
export type RedeemCodeRow = typeof redeemCodes.$inferSelect
