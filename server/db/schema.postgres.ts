import { sql } from 'drizzle-orm'
import { bigint, boolean, check, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core'
import { GENERATION_KINDS, JOB_STATUSES, UPSTREAM_MODES, type Size } from '#shared/constants/catalog'
import { CREDIT_REASONS } from '#shared/schemas/account'
import { USER_ROLES } from '#shared/types/api'
import type * as sqlite from '#server/db/schema'

// The same tables as schema.ts (SQLite) with PostgreSQL's types: the same names, columns,
// constraints and row types, so the repositories' queries run on either (checked at the end).

const sqlList = (values: readonly string[]) => sql.raw(values.map(v => `'${v}'`).join(', '))
const stamp = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
const createdAt = () => stamp('created_at').notNull().$defaultFn(() => new Date())
const id = () => integer('id').primaryKey().generatedByDefaultAsIdentity()
const bytea = customType<{ data: Buffer, driverData: Buffer }>({ dataType: () => 'bytea' })

export const users = pgTable('users', {
  id: id(),
  email: text('email').notNull(),
  passwordHash: text('password_hash').notNull(),
  credits: integer('credits').notNull().default(0),
  role: text('role', { enum: USER_ROLES }).notNull().default('user'),
  disabled: boolean('disabled').notNull().default(false),
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

export const sessions = pgTable('sessions', {
  id: text('id').primaryKey(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
  lastSeenAt: stamp('last_seen_at').notNull(),
  expiresAt: stamp('expires_at').notNull(),
}, t => [
  index('sessions_user_idx').on(t.userId),
  index('sessions_expires_idx').on(t.expiresAt),
])

export const creations = pgTable('creations', {
  id: id(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  prompt: text('prompt').notNull(),
  imageUrl: text('image_url').notNull(),
  thumbnailUrl: text('thumbnail_url').notNull(),
  modelUsed: text('model_used').notNull(),
  size: text('size').notNull(),
  kind: text('kind', { enum: GENERATION_KINDS }).notNull().default('text-to-image'),
  width: integer('width').notNull().default(0),
  height: integer('height').notNull().default(0),
  jobId: integer('job_id'),
  upstreamModel: text('upstream_model'),
  favorite: boolean('favorite').notNull().default(false),
  createdAt: createdAt(),
}, t => [
  index('creations_user_id_idx').on(t.userId, t.id),
  index('creations_user_favorite_idx').on(t.userId, t.favorite, t.id),
  index('creations_job_idx').on(t.jobId),
])

export const models = pgTable('models', {
  id: text('id').primaryKey(),
  label: text('label').notNull(),
  upstreamModel: text('upstream_model').notNull(),
  cost: integer('cost').notNull(),
  mode: text('mode', { enum: UPSTREAM_MODES }).notNull().default('images'),
  maxInputImages: integer('max_input_images').notNull().default(3),
  sizes: jsonb('sizes').$type<Size[]>().notNull(),
  enabled: boolean('enabled').notNull().default(true),
  sortOrder: integer('sort_order').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: stamp('updated_at').notNull().$defaultFn(() => new Date()),
}, t => [
  check('models_cost_positive', sql`${t.cost} >= 1`),
  check('models_max_input_images', sql`${t.maxInputImages} between 0 and 14`),
  check('models_mode_valid', sql`${t.mode} in (${sqlList(UPSTREAM_MODES)})`),
])

export const generationJobs = pgTable('generation_jobs', {
  id: id(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: GENERATION_KINDS }).notNull(),
  model: text('model').notNull(),
  size: text('size').notNull(),
  prompt: text('prompt').notNull().default(''),
  n: integer('n').notNull().default(1),
  cost: integer('cost').notNull(),
  status: text('status', { enum: JOB_STATUSES }).notNull().default('queued'),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  failures: jsonb('failures').$type<{ code: string, message: string }[]>().notNull().default(sql`'[]'::jsonb`),
  creationId: integer('creation_id').references(() => creations.id, { onDelete: 'set null' }),
  provider: text('provider').notNull(),
  worker: text('worker'),
  leaseExpiresAt: stamp('lease_expires_at'),
  latencyMs: integer('latency_ms'),
  createdAt: createdAt(),
  startedAt: stamp('started_at'),
  finishedAt: stamp('finished_at'),
}, t => [
  index('generation_jobs_status_idx').on(t.status, t.id),
  index('generation_jobs_created_idx').on(t.createdAt),
  index('generation_jobs_user_idx').on(t.userId, t.status),
])

export const generationInputs = pgTable('generation_inputs', {
  jobId: integer('job_id').notNull().references(() => generationJobs.id, { onDelete: 'cascade' }),
  position: integer('position').notNull(),
  mime: text('mime').notNull(),
  data: bytea('data').notNull(),
}, t => [
  primaryKey({ columns: [t.jobId, t.position] }),
])

export const auditLog = pgTable('audit_log', {
  id: id(),
  actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
  action: text('action').notNull(),
  target: text('target').notNull(),
  details: jsonb('details').$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
}, t => [
  index('audit_log_created_idx').on(t.createdAt),
])

export const creditLedger = pgTable('credit_ledger', {
  id: id(),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  delta: integer('delta').notNull(),
  balanceAfter: integer('balance_after').notNull(),
  reason: text('reason', { enum: CREDIT_REASONS }).notNull(),
  reference: text('reference'),
  actorId: integer('actor_id').references(() => users.id, { onDelete: 'set null' }),
  note: text('note'),
  createdAt: createdAt(),
}, t => [
  index('credit_ledger_user_idx').on(t.userId, t.id),
])

export const redeemCodes = pgTable('redeem_codes', {
  id: id(),
  code: text('code').notNull(),
  credits: integer('credits').notNull(),
  maxUses: integer('max_uses').notNull().default(1),
  uses: integer('uses').notNull().default(0),
  expiresAt: stamp('expires_at'),
  createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
}, t => [
  uniqueIndex('redeem_codes_code_unique').on(t.code),
  check('redeem_codes_uses_bounded', sql`${t.uses} <= ${t.maxUses}`),
])

export const redeemUses = pgTable('redeem_uses', {
  id: id(),
  codeId: integer('code_id').notNull().references(() => redeemCodes.id, { onDelete: 'cascade' }),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
}, t => [
  uniqueIndex('redeem_uses_code_user_unique').on(t.codeId, t.userId),
])

// PostgreSQL only: the rate limits of every instance (rate-limiter-flexible's RateLimiterPostgres
// reads and writes it; its layout is that library's). On SQLite each process counts in memory.
export const rateLimits = pgTable('rate_limits', {
  key: varchar('key', { length: 255 }).primaryKey(),
  points: integer('points').notNull().default(0),
  expire: bigint('expire', { mode: 'number' }),
})

// The row types are SQLite's, both ways: a column that differs in type fails the type-check here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Rows<T extends Record<string, { $inferSelect: unknown }>> = { [K in keyof T]: T[K]['$inferSelect'] }
type PostgresRows = Rows<Pick<typeof import('#server/db/schema.postgres'), keyof Rows<typeof sqlite>>>
export const ROW_TYPES_MATCH: { [K in keyof Rows<typeof sqlite>]: Same<Rows<typeof sqlite>[K], PostgresRows[K]> } = {
  users: true, sessions: true, creations: true, models: true, generationJobs: true, generationInputs: true,
  auditLog: true, creditLedger: true, redeemCodes: true, redeemUses: true,
}
