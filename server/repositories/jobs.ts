import { and, asc, count, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm'
import { ACTIVE_JOB_STATUSES } from '#shared/constants/catalog'
import { first, forUpdate, inTransaction, placeholder, prepared, useDb, useDialect, useTables, type Db, type Tables } from '#server/db'
import type { CreationRow, GenerationJobRow } from '#server/db/schema'
import { galleryChanged } from '#server/repositories/creations'
import { applyCreditChange } from '#server/repositories/ledger'

type NewJob = Pick<GenerationJobRow, 'userId' | 'kind' | 'model' | 'size' | 'prompt' | 'n' | 'cost' | 'provider'>
// Every column of a new creation but its keys and its time (a new creation is never a favourite yet).
type NewCreation = Pick<CreationRow, 'prompt' | 'imageUrl' | 'thumbnailUrl' | 'modelUsed' | 'upstreamModel' | 'size' | 'kind' | 'width' | 'height'>
export interface JobInput { mime: string, data: Buffer }
export interface Failure { code: string, message: string }

export type Reservation
  = | { ok: true, job: GenerationJobRow, credits: number }
    | { ok: false, reason: 'INSUFFICIENT_CREDITS', credits: number }
    | { ok: false, reason: 'TOO_MANY_ACTIVE', active: number }

class Refused extends Error {
  constructor(readonly outcome: Extract<Reservation, { ok: false }>) {
    super(outcome.reason)
  }
}

const active = ({ generationJobs }: Tables) => inArray(generationJobs.status, [...ACTIVE_JOB_STATUSES])
// The statements every generation runs (and a burst runs hundreds of times a second) are prepared once.

/**
 * Queues a job and takes n × cost from the balance, in one transaction: first whether the balance
 * covers it (a request the balance cannot pay is refused whatever else), then whether the user has
 * room for another job in flight. The spend is decided by the UPDATE itself, so parallel requests
 * can never overspend; nothing is written when the job is refused.
 */
export async function reserveJob(job: NewJob, inputs: JobInput[], maxActive: number): Promise<Reservation> {
  try {
    const { generationInputs } = useTables()
    return await inTransaction(async (tx) => {
      const total = job.n * job.cost
      // The user's row, locked on PostgreSQL until the end (SQLite's transactions take turns anyway):
      // two requests of one user cannot both count the jobs in flight before either adds its own.
      const [user] = await prepared(tx, 'balanceOf', (db, { users }) => forUpdate(db.select({ credits: users.credits }).from(users).where(eq(users.id, sql.placeholder('userId')))))({ userId: job.userId })
      const balance = user?.credits ?? 0
      if (balance < total) throw new Refused({ ok: false, reason: 'INSUFFICIENT_CREDITS', credits: balance })
      const [counted] = await prepared(tx, 'activeJobCount', (db, tables) => db.select({ n: count() }).from(tables.generationJobs).where(and(eq(tables.generationJobs.userId, sql.placeholder('userId')), active(tables))))({ userId: job.userId })
      const running = counted?.n ?? 0
      if (running >= maxActive) throw new Refused({ ok: false, reason: 'TOO_MANY_ACTIVE', active: running })
      const [row] = await prepared(tx, 'insertJob', (db, { generationJobs }) => db.insert(generationJobs).values({
        userId: placeholder('userId'),
        kind: placeholder('kind'),
        model: placeholder('model'),
        size: placeholder('size'),
        prompt: placeholder('prompt'),
        n: placeholder('n'),
        cost: placeholder('cost'),
        provider: placeholder('provider'),
        status: 'queued',
        // Given each time: a column's default is worked out once, when the statement is prepared.
        createdAt: placeholder('createdAt'),
      }).returning())({ ...job, createdAt: new Date() })
      for (const [position, input] of inputs.entries()) await tx.insert(generationInputs).values({ jobId: row!.id, position, ...input })
      const credits = await applyCreditChange(tx, { userId: job.userId, delta: -total, reason: 'generation', reference: `job:${row!.id}` })
      if (credits === null) throw new Refused({ ok: false, reason: 'INSUFFICIENT_CREDITS', credits: balance })
      return { ok: true as const, job: row!, credits }
    })
  }
  catch (error) {
    if (error instanceof Refused) return error.outcome
    throw error
  }
}

/**
 * The oldest queued job, now running under this worker's lease — one statement, so two workers
 * (or instances) can never take the same job: on PostgreSQL the row is locked as it is picked, and a
 * row another instance is taking is skipped rather than waited for.
 */
export async function claimNextJob(worker: string, leaseExpiresAt: Date, now: Date): Promise<GenerationJobRow | undefined> {
  return inTransaction(async (tx) => {
    const [job] = await prepared(tx, 'claimNextJob', (db, { generationJobs }) => {
      const skipLocked = sql.raw(useDialect() === 'postgres' ? ' for update skip locked' : '')
      const oldest = sql`(select ${generationJobs.id} from ${generationJobs} where ${generationJobs.status} = 'queued' order by ${generationJobs.id} limit 1${skipLocked})`
      return db.update(generationJobs)
        .set({ status: 'running', worker: placeholder<string>('worker'), leaseExpiresAt: placeholder<Date>('leaseExpiresAt'), startedAt: placeholder<Date>('startedAt') })
        .where(and(eq(generationJobs.id, oldest), eq(generationJobs.status, 'queued')))
        .returning()
    })({ worker, leaseExpiresAt, startedAt: now })
    return job
  })
}

/** Keeps this worker's claim on its running jobs. */
export async function renewLeases(worker: string, ids: number[], leaseExpiresAt: Date) {
  if (!ids.length) return
  const { generationJobs } = useTables()
  await inTransaction(tx => tx.update(generationJobs)
    .set({ leaseExpiresAt })
    .where(and(eq(generationJobs.worker, worker), eq(generationJobs.status, 'running'), inArray(generationJobs.id, ids))))
}

export async function jobInputs(jobId: number): Promise<JobInput[]> {
  const { generationInputs } = useTables()
  return useDb().select({ mime: generationInputs.mime, data: generationInputs.data })
    .from(generationInputs)
    .where(eq(generationInputs.jobId, jobId))
    .orderBy(asc(generationInputs.position))
}

/** A picture of a running job, as a creation of its owner (the job's first one is also linked from the job). */
export async function recordCreation(job: GenerationJobRow, creation: NewCreation): Promise<CreationRow> {
  return inTransaction(async (tx) => {
    const [row] = await prepared(tx, 'insertCreation', (db, { creations }) => db.insert(creations).values({
      userId: placeholder('userId'),
      jobId: placeholder('jobId'),
      prompt: placeholder('prompt'),
      imageUrl: placeholder('imageUrl'),
      thumbnailUrl: placeholder('thumbnailUrl'),
      modelUsed: placeholder('modelUsed'),
      upstreamModel: placeholder('upstreamModel'),
      size: placeholder('size'),
      kind: placeholder('kind'),
      width: placeholder('width'),
      height: placeholder('height'),
      favorite: false,
      createdAt: placeholder('createdAt'),
    }).returning())({ ...creation, userId: job.userId, jobId: job.id, createdAt: new Date() })
    await prepared(tx, 'linkFirstCreation', (db, { generationJobs }) => db.update(generationJobs)
      .set({ creationId: placeholder('creationId') })
      .where(and(eq(generationJobs.id, sql.placeholder('jobId')), isNull(generationJobs.creationId))))({ creationId: row!.id, jobId: job.id })
    await galleryChanged(tx, job.userId)
    return row!
  })
}

async function refund(tx: Db, job: GenerationJobRow, pictures: number) {
  if (pictures <= 0) return null
  return applyCreditChange(tx, { userId: job.userId, delta: pictures * job.cost, reason: 'refund', reference: `job:${job.id}` })
}

/** A picture of a batch that failed: noted on the job and its credits given back, together. */
export async function recordFailure(job: GenerationJobRow, failure: Failure): Promise<void> {
  const { generationJobs } = useTables()
  const failures = useDialect() === 'postgres'
    ? sql`${generationJobs.failures} || jsonb_build_array(${JSON.stringify(failure)}::jsonb)`
    : sql`json_insert(${generationJobs.failures}, '$[#]', json(${JSON.stringify(failure)}))`
  await inTransaction(async (tx) => {
    await tx.update(generationJobs).set({ failures }).where(eq(generationJobs.id, job.id))
    await refund(tx, job, 1)
  })
}

/**
 * Ends a job: succeeded with at least one picture, else failed with the first failure's code.
 * Pictures neither made nor already refunded (the job was cut short) are refunded now, in the same
 * transaction; a job already finished is left as it is. Its inputs go.
 */
export async function finishJob(jobId: number, outcome: { latencyMs: number | null, error?: Failure }): Promise<{ job: GenerationJobRow, refunded: number } | undefined> {
  return inTransaction(async (tx) => {
    // Locked on PostgreSQL: a sweep finishing the same job waits, then finds it finished.
    const [job] = await prepared(tx, 'activeJob', (db, tables) => forUpdate(db.select().from(tables.generationJobs).where(and(eq(tables.generationJobs.id, sql.placeholder('jobId')), active(tables)))))({ jobId })
    if (!job) return undefined
    const [counted] = await prepared(tx, 'jobCreationCount', (db, { creations }) => db.select({ n: count() }).from(creations).where(eq(creations.jobId, sql.placeholder('jobId'))))({ jobId })
    const made = counted?.n ?? 0
    const cutShort = job.n - made - job.failures.length
    await refund(tx, job, cutShort)
    const failed = made === 0
    const error = failed ? (outcome.error ?? job.failures[0] ?? { code: 'INTERNAL_ERROR', message: 'The generation failed.' }) : undefined
    await prepared(tx, 'deleteJobInputs', (db, { generationInputs }) => db.delete(generationInputs).where(eq(generationInputs.jobId, sql.placeholder('jobId'))))({ jobId })
    const [finished] = await prepared(tx, 'finishJob', (db, { generationJobs }) => db.update(generationJobs)
      .set({
        status: placeholder<GenerationJobRow['status']>('status'),
        errorCode: placeholder<string | null>('errorCode'),
        errorMessage: placeholder<string | null>('errorMessage'),
        latencyMs: placeholder<number | null>('latencyMs'),
        finishedAt: placeholder<Date>('finishedAt'),
        leaseExpiresAt: null,
      })
      .where(eq(generationJobs.id, sql.placeholder('jobId')))
      .returning())({
      jobId,
      status: failed ? 'failed' : 'succeeded',
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
      latencyMs: outcome.latencyMs,
      finishedAt: new Date(),
    })
    return { job: finished!, refunded: Math.max(0, cutShort) * job.cost }
  })
}

/** Running jobs nobody is running any more: this worker's (from before a restart), or any whose lease ran out. */
export async function abandonedJobs(worker: string, now: Date): Promise<GenerationJobRow[]> {
  const { generationJobs } = useTables()
  return useDb().select().from(generationJobs)
    .where(and(eq(generationJobs.status, 'running'), or(eq(generationJobs.worker, worker), isNull(generationJobs.leaseExpiresAt), lt(generationJobs.leaseExpiresAt, now))))
}

export async function findJob(id: number): Promise<GenerationJobRow | undefined> {
  const [job] = await prepared(useDb(), 'findJob', (db, { generationJobs }) => db.select().from(generationJobs).where(eq(generationJobs.id, sql.placeholder('id'))))({ id })
  return job
}

export async function findOwnedJob(id: number, userId: number): Promise<GenerationJobRow | undefined> {
  const { generationJobs } = useTables()
  return first(useDb().select().from(generationJobs).where(and(eq(generationJobs.id, id), eq(generationJobs.userId, userId))))
}

/** A user's jobs, newest first; only the queued and running ones with `activeOnly`. */
export async function listOwnedJobs(userId: number, activeOnly: boolean, limit: number): Promise<GenerationJobRow[]> {
  const tables = useTables()
  const { generationJobs } = tables
  return useDb().select().from(generationJobs)
    .where(and(eq(generationJobs.userId, userId), activeOnly ? active(tables) : undefined))
    .orderBy(desc(generationJobs.id))
    .limit(limit)
}

/** One job's pictures, in the order they were made: every generation's answer reads them, so prepared once. */
export async function creationsOfJob(jobId: number): Promise<CreationRow[]> {
  return prepared(useDb(), 'creationsOfJob', (db, { creations }) => db.select().from(creations)
    .where(eq(creations.jobId, sql.placeholder('jobId')))
    .orderBy(asc(creations.id)))({ jobId })
}

/** The pictures of these jobs, in the order they were made. */
export async function creationsOfJobs(jobIds: number[]): Promise<CreationRow[]> {
  if (!jobIds.length) return []
  const { creations } = useTables()
  return useDb().select().from(creations).where(inArray(creations.jobId, jobIds)).orderBy(asc(creations.id))
}

/** Jobs waiting and running, on every instance. */
export async function countActiveJobs(): Promise<{ queued: number, running: number }> {
  const tables = useTables()
  const { generationJobs } = tables
  const rows = await useDb().select({ status: generationJobs.status, n: count() }).from(generationJobs).where(active(tables)).groupBy(generationJobs.status)
  return {
    queued: rows.find(row => row.status === 'queued')?.n ?? 0,
    running: rows.find(row => row.status === 'running')?.n ?? 0,
  }
}
