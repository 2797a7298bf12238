import { and, asc, count, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm'
import { ACTIVE_JOB_STATUSES } from '#shared/constants/catalog'
import { inTransaction, prepared, useDb, type Tx } from '#server/db'
import { creations, generationInputs, generationJobs, users, type CreationRow, type GenerationJobRow } from '#server/db/schema'
import { applyCreditChange } from '#server/repositories/ledger'

type NewJob = Pick<GenerationJobRow, 'userId' | 'kind' | 'model' | 'size' | 'prompt' | 'n' | 'cost' | 'provider'>
type NewCreation = Omit<typeof creations.$inferInsert, 'id' | 'userId' | 'jobId' | 'createdAt'>
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

const active = inArray(generationJobs.status, [...ACTIVE_JOB_STATUSES])
// The statements every generation runs (and a burst runs hundreds of times a second) are prepared once;
// in set() a placeholder goes in as SQL, so it takes the column's stored form (a timestamp in ms).
const value = (name: string) => sql`${sql.placeholder(name)}`

/**
 * Queues a job and takes n × cost from the balance, in one transaction: first whether the balance
 * covers it (a request the balance cannot pay is refused whatever else), then whether the user has
 * room for another job in flight. The spend is decided by the UPDATE itself, so parallel requests
 * can never overspend; nothing is written when the job is refused.
 */
export async function reserveJob(job: NewJob, inputs: JobInput[], maxActive: number): Promise<Reservation> {
  try {
    return inTransaction((tx) => {
      const total = job.n * job.cost
      const balance = prepared('balanceOf', db => db.select({ credits: users.credits }).from(users).where(eq(users.id, sql.placeholder('userId'))).prepare())
        .get({ userId: job.userId })?.credits ?? 0
      if (balance < total) throw new Refused({ ok: false, reason: 'INSUFFICIENT_CREDITS', credits: balance })
      const running = prepared('activeJobCount', db => db.select({ n: count() }).from(generationJobs).where(and(eq(generationJobs.userId, sql.placeholder('userId')), active)).prepare())
        .get({ userId: job.userId })?.n ?? 0
      if (running >= maxActive) throw new Refused({ ok: false, reason: 'TOO_MANY_ACTIVE', active: running })
      const row = tx.insert(generationJobs).values({ ...job, status: 'queued' }).returning().get()
      inputs.forEach((input, position) => tx.insert(generationInputs).values({ jobId: row.id, position, ...input }).run())
      const credits = applyCreditChange(tx, { userId: job.userId, delta: -total, reason: 'generation', reference: `job:${row.id}` })
      if (credits === null) throw new Refused({ ok: false, reason: 'INSUFFICIENT_CREDITS', credits: balance })
      return { ok: true as const, job: row, credits }
    })
  }
  catch (error) {
    if (error instanceof Refused) return error.outcome
    throw error
  }
}

/**
 * The oldest queued job, now running under this worker's lease — one statement, so two workers
 * (or instances) can never take the same job.
 */
export async function claimNextJob(worker: string, leaseExpiresAt: Date, now: Date): Promise<GenerationJobRow | undefined> {
  return prepared('claimNextJob', (db) => {
    const oldest = sql`(select ${generationJobs.id} from ${generationJobs} where ${generationJobs.status} = 'queued' order by ${generationJobs.id} limit 1)`
    return db.update(generationJobs)
      .set({ status: 'running', worker: value('worker'), leaseExpiresAt: value('leaseExpiresAt'), startedAt: value('startedAt') })
      .where(and(eq(generationJobs.id, oldest), eq(generationJobs.status, 'queued')))
      .returning()
      .prepare()
  }).get({ worker, leaseExpiresAt: leaseExpiresAt.getTime(), startedAt: now.getTime() })
}

/** Keeps this worker's claim on its running jobs. */
export async function renewLeases(worker: string, ids: number[], leaseExpiresAt: Date) {
  if (!ids.length) return
  useDb().update(generationJobs)
    .set({ leaseExpiresAt })
    .where(and(eq(generationJobs.worker, worker), eq(generationJobs.status, 'running'), inArray(generationJobs.id, ids)))
    .run()
}

export async function jobInputs(jobId: number): Promise<JobInput[]> {
  return useDb().select({ mime: generationInputs.mime, data: generationInputs.data })
    .from(generationInputs)
    .where(eq(generationInputs.jobId, jobId))
    .orderBy(asc(generationInputs.position))
    .all()
}

/** A picture of a running job, as a creation of its owner (the job's first one is also linked from the job). */
export async function recordCreation(job: GenerationJobRow, creation: NewCreation): Promise<CreationRow> {
  return inTransaction((tx) => {
    const row = tx.insert(creations).values({ ...creation, userId: job.userId, jobId: job.id }).returning().get()
    tx.update(generationJobs).set({ creationId: row.id }).where(and(eq(generationJobs.id, job.id), isNull(generationJobs.creationId))).run()
    return row
  })
}

function refund(tx: Tx, job: GenerationJobRow, pictures: number) {
  if (pictures <= 0) return null
  return applyCreditChange(tx, { userId: job.userId, delta: pictures * job.cost, reason: 'refund', reference: `job:${job.id}` })
}

/** A picture of a batch that failed: noted on the job and its credits given back, together. */
export async function recordFailure(job: GenerationJobRow, failure: Failure): Promise<void> {
  inTransaction((tx) => {
    tx.update(generationJobs)
      .set({ failures: sql`json_insert(${generationJobs.failures}, '$[#]', json(${JSON.stringify(failure)}))` })
      .where(eq(generationJobs.id, job.id))
      .run()
    refund(tx, job, 1)
  })
}

/**
 * Ends a job: succeeded with at least one picture, else failed with the first failure's code.
 * Pictures neither made nor already refunded (the job was cut short) are refunded now, in the same
 * transaction; a job already finished is left as it is. Its inputs go.
 */
export async function finishJob(jobId: number, outcome: { latencyMs: number | null, error?: Failure }): Promise<{ job: GenerationJobRow, refunded: number } | undefined> {
  return inTransaction((tx) => {
    const job = prepared('activeJob', db => db.select().from(generationJobs).where(and(eq(generationJobs.id, sql.placeholder('jobId')), active)).prepare())
      .get({ jobId })
    if (!job) return undefined
    const made = prepared('jobCreationCount', db => db.select({ n: count() }).from(creations).where(eq(creations.jobId, sql.placeholder('jobId'))).prepare())
      .get({ jobId })?.n ?? 0
    const cutShort = job.n - made - job.failures.length
    refund(tx, job, cutShort)
    const failed = made === 0
    const error = failed ? (outcome.error ?? job.failures[0] ?? { code: 'INTERNAL_ERROR', message: 'The generation failed.' }) : undefined
    prepared('deleteJobInputs', db => db.delete(generationInputs).where(eq(generationInputs.jobId, sql.placeholder('jobId'))).prepare()).run({ jobId })
    const finished = prepared('finishJob', db => db.update(generationJobs)
      .set({ status: value('status'), errorCode: value('errorCode'), errorMessage: value('errorMessage'), latencyMs: value('latencyMs'), finishedAt: value('finishedAt'), leaseExpiresAt: null })
      .where(eq(generationJobs.id, sql.placeholder('jobId')))
      .returning()
      .prepare()).get({
      jobId,
      status: failed ? 'failed' : 'succeeded',
      errorCode: error?.code ?? null,
      errorMessage: error?.message ?? null,
      latencyMs: outcome.latencyMs,
      finishedAt: Date.now(),
    })!
    return { job: finished, refunded: Math.max(0, cutShort) * job.cost }
  })
}

/** Running jobs nobody is running any more: this worker's (from before a restart), or any whose lease ran out. */
export async function abandonedJobs(worker: string, now: Date): Promise<GenerationJobRow[]> {
  return useDb().select().from(generationJobs)
    .where(and(eq(generationJobs.status, 'running'), or(eq(generationJobs.worker, worker), isNull(generationJobs.leaseExpiresAt), lt(generationJobs.leaseExpiresAt, now))))
    .all()
}

export async function findJob(id: number): Promise<GenerationJobRow | undefined> {
  return prepared('findJob', db => db.select().from(generationJobs).where(eq(generationJobs.id, sql.placeholder('id'))).prepare()).get({ id })
}

export async function findOwnedJob(id: number, userId: number): Promise<GenerationJobRow | undefined> {
  return useDb().select().from(generationJobs).where(and(eq(generationJobs.id, id), eq(generationJobs.userId, userId))).get()
}

/** A user's jobs, newest first; only the queued and running ones with `activeOnly`. */
export async function listOwnedJobs(userId: number, activeOnly: boolean, limit: number): Promise<GenerationJobRow[]> {
  return useDb().select().from(generationJobs)
    .where(and(eq(generationJobs.userId, userId), activeOnly ? active : undefined))
    .orderBy(desc(generationJobs.id))
    .limit(limit)
    .all()
}

/** The pictures of these jobs, in the order they were made. */
export async function creationsOfJobs(jobIds: number[]): Promise<CreationRow[]> {
  if (!jobIds.length) return []
  return useDb().select().from(creations).where(inArray(creations.jobId, jobIds)).orderBy(asc(creations.id)).all()
}

/** Jobs waiting and running, on every instance. */
export async function countActiveJobs(): Promise<{ queued: number, running: number }> {
  const rows = useDb().select({ status: generationJobs.status, n: count() }).from(generationJobs).where(active).groupBy(generationJobs.status).all()
  return {
    queued: rows.find(row => row.status === 'queued')?.n ?? 0,
    running: rows.find(row => row.status === 'running')?.n ?? 0,
  }
}
