import { join } from 'node:path'
import { modelInfo } from '#shared/constants/catalog'
import type { GenerateResponse } from '#shared/types/api'
import type { CreationRow, UserRow } from '#server/db/schema'
import { referencedImageUrls } from '#server/repositories/creations'
import { completeJob, failJob, pendingJobs, reserveJob } from '#server/repositories/jobs'
import { useServerConfig } from '#server/utils/config'
import { toCreation } from '#server/utils/dto'
import { AppError } from '#server/utils/errors'
import { ProviderError, type GenerationRequest } from '#server/services/providers/types'
import { useImageProvider } from '#server/services/providers'
import { createLocalImageStore, imageNameFromUrl, imageUrl, removeImages, storeImage, UndecodableImageError, type ImageStore, type StoredImage } from '#server/services/storage'

let images: { dir: string, store: ImageStore } | undefined

export function useImages(): ImageStore {
  const dir = join(useServerConfig().dataDir, 'images')
  if (images?.dir !== dir) images = { dir, store: createLocalImageStore(dir) }
  return images.store
}

function failureCode(error: unknown) {
  if (error instanceof ProviderError) return error.code
  if (error instanceof UndecodableImageError) return 'UPSTREAM_ERROR'
  return 'INTERNAL_ERROR'
}

/**
 * One generation, credits first: reserve the cost, call the model, keep the image, then record the
 * creation. Any failure after the reservation refunds it and leaves no file or row behind. The work
 * is not tied to the request, so a browser that goes away still gets its image in the gallery.
 */
export async function generate(user: UserRow, request: GenerationRequest): Promise<GenerateResponse> {
  const config = useServerConfig()
  const provider = useImageProvider(config)
  const { cost } = modelInfo(request.model)

  const reserved = await reserveJob({ userId: user.id, kind: request.kind, model: request.model, size: request.size, cost, provider: provider.name })
  if (!reserved) throw new AppError('INSUFFICIENT_CREDITS', undefined, { required: cost, credits: user.credits })
  const { job } = reserved

  const started = performance.now()
  let latencyMs: number | null = null
  let stored: StoredImage | undefined
  try {
    const data = await provider.generate(request)
    latencyMs = Math.round(performance.now() - started)
    stored = await storeImage(useImages(), data)
    const { creation, credits } = await completeJob(job, {
      prompt: request.prompt,
      imageUrl: imageUrl(stored.image),
      thumbnailUrl: imageUrl(stored.thumbnail),
      modelUsed: request.model,
      size: request.size,
      kind: request.kind,
      width: stored.width,
      height: stored.height,
    }, latencyMs)
    return { creation: toCreation(creation), credits }
  }
  catch (error) {
    const code = failureCode(error)
    latencyMs ??= Math.round(performance.now() - started)
    if (stored) await removeImages(useImages(), [stored.image, stored.thumbnail])
    await failJob(job, code, latencyMs)
    console.warn(JSON.stringify({ level: 'warn', event: 'generation_failed', jobId: job.id, userId: user.id, provider: provider.name, code, latencyMs, reason: error instanceof Error ? error.message : String(error) }))
    if (code === 'INTERNAL_ERROR') throw error
    throw new AppError(code)
  }
}

/** At start-up: a job still pending is from a crash. Fail it and give the credits back. */
export async function recoverInterruptedJobs() {
  const jobs = await pendingJobs()
  for (const job of jobs) await failJob(job, 'INTERRUPTED', null)
  return jobs.length
}

/** At start-up (nothing is being generated yet): remove image files no creation points to. */
export async function removeOrphanImages() {
  const store = useImages()
  const referenced = new Set([...(await referencedImageUrls())].map(imageNameFromUrl))
  const orphans = (await store.list()).filter(name => !referenced.has(name))
  await removeImages(store, orphans)
  return orphans.length
}

export async function deleteCreationFiles(row: CreationRow) {
  await removeImages(useImages(), [imageNameFromUrl(row.imageUrl), imageNameFromUrl(row.thumbnailUrl)])
}
