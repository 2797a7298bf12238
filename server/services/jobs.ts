import { EventEmitter } from 'node:events'
import type { Size } from '#shared/constants/catalog'
import type { ApiErrorCode, GenerationFailure, Job } from '#shared/types/api'
import { listenToPeers, notifyPeers } from '#server/db'
import type { GenerationJobRow } from '#server/db/schema'
import {
  abandonedJobs, claimNextJob, creationsOfJob, creationsOfJobs, findJob, findOwnedJob, finishJob, jobInputs, listOwnedJobs, recordCreation, recordFailure,
  renewLeases, type Failure,
} from '#server/repositories/jobs'
import { jobModel, rememberMode } from '#server/services/catalog'
import { countCredits, observeGeneration } from '#server/services/metrics'
import { useImageProvider } from '#server/services/providers'
import { ProviderError, type InputImage } from '#server/services/providers/types'
import { holdThumbnails, imageUrl, queueThumbnail, removeImages, storeImage, UndecodableImageError, useImages, type StoredImage } from '#server/services/storage'
import { useServerConfig } from '#server/utils/config'
import { toCreation } from '#server/utils/dto'
import { AppError, ERROR_MESSAGES } from '#server/utils/errors'
import { log } from '#server/utils/log'
import { Semaphore } from '#server/utils/semaphore'

const LEASE_MS = 60_000
const SWEEP_MS = 15_000

export interface JobEvent {
  type: 'status' | 'done'
  job: Job
}

// Status changes of jobs run here, for the requests waiting on them (sync answers, event streams).
const events = new EventEmitter()
events.setMaxListeners(0)

/** Follows one job; returns the function that stops following. */
export function onJobEvent(jobId: number, listener: (event: JobEvent) => void): () => void {
  events.on(`job:${jobId}`, listener)
  return () => events.off(`job:${jobId}`, listener)
}

export async function toJob(row: GenerationJobRow): Promise<Job> {
  const made = await creationsOfJob(row.id)
  return jobJson(row, made.map(toCreation))
}

function jobJson(row: GenerationJobRow, creations: Job['creations']): Job {
  const failure = (f: Failure) => ({ code: f.code as GenerationFailure['code'], message: f.message })
  return {
    id: row.id,
    status: row.status,
    kind: row.kind,
    model: row.model,
    size: row.size,
    prompt: row.prompt,
    n: row.n,
    cost: row.n * row.cost,
    creations,
    failed: row.failures.map(failure),
    error: row.status === 'failed' && row.errorCode ? failure({ code: row.errorCode, message: row.errorMessage ?? ERROR_MESSAGES[row.errorCode as ApiErrorCode] ?? '' }) : null,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  }
}

/** Tells the job's followers here: the job as JSON to event streams (only when one listens), a bare signal to waiters when it ends. */
async function tellFollowers(jobId: number, type: JobEvent['type']) {
  if (type === 'done') events.emit(`done:${jobId}`)
  if (!events.listenerCount(`job:${jobId}`)) return
  const row = await findJob(jobId)
  if (row) events.emit(`job:${jobId}`, { type, job: await toJob(row) })
}

/** What instances tell each other about jobs (on PostgreSQL; SQLite peers read the job again every 2 s). */
interface JobNotice { job: number, type: JobEvent['type'] | 'queued', from: string }

function tellPeers(job: number, type: JobNotice['type']) {
  const notice: JobNotice = { job, type, from: useServerConfig().instanceId }
  notifyPeers(JSON.stringify(notice)).catch(() => undefined)
}

/** A change of a job, told to its followers here and on every other instance. */
async function publish(jobId: number, type: JobEvent['type']) {
  tellPeers(jobId, type)
  await tellFollowers(jobId, type)
}

function heardFromPeer(payload: string) {
  let notice: JobNotice
  try {
    notice = JSON.parse(payload) as JobNotice
  }
  catch {
    return
  }
  if (notice.from === useServerConfig().instanceId) return
  if (notice.type === 'queued') wakeWorker()
  else void tellFollowers(notice.job, notice.type).catch(() => undefined)
}

/** A job was queued here: this worker looks for it, and so does every other instance's. */
export function jobQueued(jobId: number) {
  wakeWorker()
  tellPeers(jobId, 'queued')
}

// Upstream calls in flight, at most `generationConcurrency`; waiting calls are served in order.
let slots: Semaphore | undefined
const runningHere = new Set<number>()
let pumping = false
let pumpAgain = false
let stopping = false

function useSlots() {
  slots ??= new Semaphore(useServerConfig().generationConcurrency)
  return slots
}

/**
 * Takes queued jobs, oldest first, while an upstream call can start: a job is claimed in the
 * database (so no other worker takes it) only once a slot is held for its first picture.
 */
function wakeWorker() {
  if (pumping) {
    pumpAgain = true
    return
  }
  pumping = true
  void (async () => {
    try {
      do {
        pumpAgain = false
        while (!stopping && useSlots().tryTake()) {
          const now = new Date()
          const job = await claimNextJob(useServerConfig().instanceId, new Date(now.getTime() + LEASE_MS), now)
          if (!job) {
            useSlots().give()
            break
          }
          runningHere.add(job.id)
          void run(job)
        }
      } while (pumpAgain && !stopping)
    }
    catch (error) {
      log.error({ event: 'job_worker_failed', error: error instanceof Error ? error.stack : String(error) })
    }
    finally {
      pumping = false
    }
  })()
}

function failureOf(error: unknown): Failure {
  if (error instanceof ProviderError) return { code: error.code, message: error.message }
  if (error instanceof UndecodableImageError) return { code: 'UPSTREAM_ERROR', message: 'The image service sent something that is not an image.' }
  return { code: 'INTERNAL_ERROR', message: ERROR_MESSAGES.INTERNAL_ERROR }
}

/** One picture of a job: the model call, the file kept, the creation written — or its refund. */
async function makePicture(job: GenerationJobRow, images: InputImage[], firstSlotHeld: boolean) {
  if (!firstSlotHeld) await useSlots().take()
  let stored: StoredImage | undefined
  let upstreamSeconds: number | null = null
  const called = performance.now()
  try {
    const model = await jobModel(job.model)
    if (!model) throw new ProviderError('UPSTREAM_ERROR', 'The model is no longer in the catalogue.')
    const result = await useImageProvider(useServerConfig()).generate({
      prompt: job.prompt,
      // Checked against the model when the job was accepted.
      size: job.size as Size,
      upstreamModel: model.upstreamModel,
      mode: model.mode,
      images: images.length ? images : undefined,
    })
    upstreamSeconds = (performance.now() - called) / 1000
    if (result.mode !== model.mode) await rememberMode(model.id, result.mode)
    // While pictures arrive, thumbnails wait: the answers come first.
    holdThumbnails()
    try {
      stored = await storeImage(useImages(), result.image)
    }
    finally {
      result.release?.()
    }
    await recordCreation(job, {
      prompt: job.prompt,
      imageUrl: imageUrl(stored.image),
      thumbnailUrl: imageUrl(stored.thumbnail),
      modelUsed: job.model,
      upstreamModel: model.upstreamModel,
      size: job.size,
      kind: job.kind,
      width: stored.width,
      height: stored.height,
    })
    // The picture counts as made now; its thumbnail follows, off the answer's path.
    queueThumbnail(useImages(), stored.image)
    observeGeneration(job.model, 'succeeded', upstreamSeconds)
  }
  catch (error) {
    if (stored) await removeImages(useImages(), [stored.image, stored.thumbnail])
    const failure = failureOf(error)
    await recordFailure(job, failure)
    countCredits('refunded', job.cost)
    // A model that answered with an error took its time too.
    observeGeneration(job.model, failure.code, upstreamSeconds ?? (error instanceof ProviderError ? (performance.now() - called) / 1000 : null))
    log.warn({ event: 'generation_failed', jobId: job.id, userId: job.userId, provider: job.provider, code: failure.code, reason: error instanceof Error ? error.message : String(error) })
    if (failure.code === 'INTERNAL_ERROR') log.error({ event: 'generation_error', jobId: job.id, error: error instanceof Error ? error.stack : String(error) })
  }
  finally {
    useSlots().give()
    wakeWorker()
  }
  void publish(job.id, 'status')
}

async function run(job: GenerationJobRow) {
  const started = performance.now()
  try {
    void publish(job.id, 'status')
    const images: InputImage[] = (await jobInputs(job.id)).map((input, index) => ({
      data: input.data,
      mime: input.mime as InputImage['mime'],
      filename: `input-${index + 1}.${input.mime === 'image/png' ? 'png' : 'jpg'}`,
    }))
    await Promise.all(Array.from({ length: job.n }, (_, index) => makePicture(job, images, index === 0)))
  }
  catch (error) {
    log.error({ event: 'job_failed', jobId: job.id, error: error instanceof Error ? error.stack : String(error) })
  }
  finally {
    const finished = await finishJob(job.id, { latencyMs: Math.round(performance.now() - started) })
    countCredits('refunded', finished?.refunded ?? 0)
    runningHere.delete(job.id)
    await publish(job.id, 'done')
  }
}

/**
 * Jobs that were running when their server stopped (this one before a restart, or another whose
 * lease ran out) are failed, with every picture not made refunded. Queued jobs simply run.
 */
async function recoverAbandonedJobs(now = new Date()) {
  const abandoned = (await abandonedJobs(useServerConfig().instanceId, now)).filter(job => !runningHere.has(job.id))
  for (const job of abandoned) {
    const finished = await finishJob(job.id, { latencyMs: null, error: { code: 'INTERRUPTED', message: 'The server stopped while this was being made; the credits were given back.' } })
    countCredits('refunded', finished?.refunded ?? 0)
    await publish(job.id, 'done')
  }
  return abandoned.length
}

let timers: NodeJS.Timeout[] = []
let stopListening: (() => Promise<void>) | undefined

/**
 * At start: recover, then run what is queued; keep this server's leases and sweep others' lapsed
 * ones; hear what other instances say about jobs.
 */
export async function startWorker() {
  stopping = false
  stopListening = await listenToPeers(heardFromPeer)
  const recovered = await recoverAbandonedJobs()
  timers = [
    setInterval(() => void renewLeases(useServerConfig().instanceId, [...runningHere], new Date(Date.now() + LEASE_MS)).catch(() => undefined), LEASE_MS / 3),
    setInterval(() => void recoverAbandonedJobs().then(() => wakeWorker()).catch(() => undefined), SWEEP_MS),
  ]
  for (const timer of timers) timer.unref()
  wakeWorker()
  return recovered
}

/** On shutdown: take no new job (queued ones wait for the next start); those running finish. */
export function stopWorker() {
  stopping = true
  for (const timer of timers) clearInterval(timer)
  timers = []
  void stopListening?.().catch(() => undefined)
  stopListening = undefined
}

/** Resolves with the job once it has finished (for a synchronous request), whatever instance ran it. */
export function waitForJob(jobId: number): Promise<GenerationJobRow> {
  return new Promise((resolve, reject) => {
    let settled = false
    const done = (row: GenerationJobRow) => {
      if (settled) return
      settled = true
      stop()
      clearInterval(poll)
      resolve(row)
    }
    const check = () => findJob(jobId).then((row) => {
      if (!row) {
        settled = true
        stop()
        clearInterval(poll)
        reject(new Error(`job ${jobId} is gone`))
      }
      else if (row.status === 'succeeded' || row.status === 'failed') done(row)
    }, () => undefined)
    const onDone = () => void check()
    events.on(`done:${jobId}`, onDone)
    const stop = () => events.off(`done:${jobId}`, onDone)
    // In case the job ran elsewhere (another instance) or finished before we listened.
    const poll = setInterval(check, 2000)
    void check()
  })
}

/** The caller's job; another user's is as unknown as a missing one (404). */
export async function ownJob(userId: number, id: number): Promise<Job> {
  const row = await findOwnedJob(id, userId)
  if (!row) throw new AppError('NOT_FOUND', 'No such job.')
  return toJob(row)
}

/** The caller's jobs, newest first: all recent ones, or only those queued or running. */
export async function listJobs(userId: number, activeOnly: boolean, limit: number): Promise<Job[]> {
  const rows = await listOwnedJobs(userId, activeOnly, limit)
  const made = await creationsOfJobs(rows.map(row => row.id))
  return rows.map(row => jobJson(row, made.filter(c => c.jobId === row.id).map(toCreation)))
}
