import type { BatchResponse, GenerateResponse, JobAccepted } from '#shared/types/api'
import type { CreationRow, GenerationJobRow, UserRow } from '#server/db/schema'
import { referencedImageUrls } from '#server/repositories/creations'
import { reserveJob } from '#server/repositories/jobs'
import { countCredits } from '#server/services/metrics'
import { findUserById } from '#server/repositories/users'
import { resolveModel } from '#server/services/catalog'
import { jobQueued, toJob, waitForJob } from '#server/services/jobs'
import { useImageProvider } from '#server/services/providers'
import type { GenerationRequest } from '#server/services/providers/types'
import { imageNameFromUrl, removeImages, useImages } from '#server/services/storage'
import { useServerConfig } from '#server/utils/config'
import { AppError } from '#server/utils/errors'

// When a user has as many generations in flight as allowed, roughly when to try again.
const ACTIVE_RETRY_AFTER_S = 10

/**
 * Accepts a generation as a job: the model and size checked against the catalogue, then, in one
 * transaction, the balance (402 when it cannot pay, whatever else), the user's jobs in flight (429
 * at the limit, nothing charged) and the reservation of n × cost. The worker then runs it.
 */
async function submit(user: UserRow, request: GenerationRequest): Promise<{ job: GenerationJobRow, credits: number }> {
  const config = useServerConfig()
  const { model, size } = await resolveModel({ model: request.model, size: request.size, kind: request.kind, images: request.images?.length ?? 0 })
  const reserved = await reserveJob(
    { userId: user.id, kind: request.kind, model: model.id, size, prompt: request.prompt, n: request.n, cost: model.cost, provider: useImageProvider(config).name },
    (request.images ?? []).map(image => ({ mime: image.mime, data: image.data })),
    config.maxActiveJobsPerUser,
  )
  if (!reserved.ok && reserved.reason === 'INSUFFICIENT_CREDITS') {
    throw new AppError('INSUFFICIENT_CREDITS', undefined, { required: request.n * model.cost, credits: reserved.credits })
  }
  if (!reserved.ok) {
    throw new AppError('RATE_LIMITED', `At most ${config.maxActiveJobsPerUser} generations can run at once. Wait for one to finish.`, { retryAfter: ACTIVE_RETRY_AFTER_S, active: reserved.active })
  }
  countCredits('spent', request.n * model.cost)
  jobQueued(reserved.job.id)
  return reserved
}

/** `Prefer: respond-async`: the job at once (202), followed by GET /api/jobs/:id or its event stream. */
export async function generateLater(user: UserRow, request: GenerationRequest): Promise<JobAccepted> {
  const { job, credits } = await submit(user, request)
  return { job: await toJob(job), credits }
}

/**
 * The synchronous answer: waits for the job, then the picture(s) and the balance after any refund.
 * One picture: `{creation, credits}`; a batch: also `creations` and `failed`. When no picture was
 * made, the (first) failure as the API error of its code.
 */
export async function generateNow(user: UserRow, request: GenerationRequest): Promise<GenerateResponse | BatchResponse> {
  const { job } = await submit(user, request)
  const finished = await waitForJob(job.id)
  const { creations, failed, error } = await toJob(finished)
  const credits = (await findUserById(user.id))?.credits ?? 0
  if (!creations.length) throw new AppError(!error || error.code === 'INTERRUPTED' ? 'SERVICE_UNAVAILABLE' : error.code, error?.message)
  if (request.n === 1) return { creation: creations[0]!, credits }
  return { creation: creations[0]!, creations, failed, credits }
}

const ORPHAN_AGE_MS = 3_600_000

/** At start-up: remove image files no creation points to (a crash's leftovers). */
export async function removeOrphanImages() {
  const store = useImages()
  // Only files an hour old: another instance on the same folder may be between writing a picture (or
  // its temporary file) and committing the row that points to it.
  const files = await store.list({ modifiedBefore: new Date(Date.now() - ORPHAN_AGE_MS) })
  const referenced = new Set([...(await referencedImageUrls())].map(imageNameFromUrl))
  const orphans = files.filter(name => !referenced.has(name))
  await removeImages(store, orphans)
  return orphans.length
}

export async function deleteCreationFiles(row: CreationRow) {
  await removeImages(useImages(), [imageNameFromUrl(row.imageUrl), imageNameFromUrl(row.thumbnailUrl)])
}
