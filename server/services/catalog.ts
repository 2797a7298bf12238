import { DEFAULT_SIZE, MAX_INPUT_IMAGES, SEED_MODELS, SIZES, type GenerationKind, type Size, type UpstreamMode } from '#shared/constants/catalog'
import type { CreateModelInput, PatchModelInput } from '#shared/schemas/admin'
import type { AdminModel, ModelInfo, ModelsResponse } from '#shared/types/api'
import type { ModelRow } from '#server/db/schema'
import { findModel, insertModel, listModels, seedModels, setModelMode, updateModel } from '#server/repositories/models'
import { providerName } from '#server/services/providers'
import { useServerConfig } from '#server/utils/config'
import { AppError } from '#server/utils/errors'

// Read on every generation and page load, changed rarely: kept for a few seconds (another instance's
// change shows within that), dropped at once on a change made here.
const CACHE_MS = 5000
let cache: { at: number, rows: Promise<ModelRow[]> } | undefined

function allModels(): Promise<ModelRow[]> {
  if (!cache || Date.now() - cache.at > CACHE_MS) cache = { at: Date.now(), rows: listModels() }
  return cache.rows
}

function forget() {
  cache = undefined
}

function toModelInfo(row: ModelRow): ModelInfo {
  return {
    id: row.id,
    label: row.label,
    cost: row.cost,
    supportsImageInput: row.maxInputImages > 0,
    maxInputImages: row.maxInputImages,
    sizes: SIZES.filter(size => row.sizes.includes(size)),
  }
}

function toAdminModel(row: ModelRow): AdminModel {
  return { ...toModelInfo(row), upstreamModel: row.upstreamModel, mode: row.mode, enabled: row.enabled, sortOrder: row.sortOrder, updatedAt: row.updatedAt.toISOString() }
}

/** At first start: the models the catalogue begins with. */
export async function seedCatalogue() {
  const added = await seedModels(SEED_MODELS.map(model => ({ ...model, sizes: [...model.sizes] })))
  forget()
  return added
}

/** `GET /api/models`: the enabled models with their prices, every ratio, and the provider in use. */
export async function modelsResponse(): Promise<ModelsResponse> {
  const models = (await allModels()).filter(row => row.enabled).map(toModelInfo)
  return { models, sizes: [...SIZES], provider: providerName(useServerConfig()) }
}

/** How many images an upload may carry: what the most generous enabled model takes (the default catalogue: 3). */
export async function maxUploadImages(): Promise<number> {
  const enabled = (await allModels()).filter(row => row.enabled)
  return Math.max(MAX_INPUT_IMAGES, ...enabled.map(row => row.maxInputImages))
}

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_ERROR', message, { fields: { [field]: [message] } })
}

/**
 * The catalogue entry a request names (the first enabled model that fits when it names none), with
 * the size to make: a disabled or unknown model, a size it cannot make or more images than it
 * takes are the caller's mistake (400).
 */
export async function resolveModel(request: { model?: string, size?: Size, kind: GenerationKind, images: number }): Promise<{ model: ModelRow, size: Size }> {
  const enabled = (await allModels()).filter(row => row.enabled)
  const fits = (row: ModelRow) => request.kind === 'text-to-image' || row.maxInputImages > 0
  const model = request.model === undefined ? enabled.find(fits) : enabled.find(row => row.id === request.model)
  if (!model) throw invalid('model', request.model === undefined ? 'No model is available.' : 'Unknown model.')
  if (!fits(model)) throw invalid('model', 'This model does not take images.')
  if (request.images > model.maxInputImages) throw invalid('image', `This model takes at most ${model.maxInputImages} images.`)
  const size = request.size ?? (model.sizes.includes(DEFAULT_SIZE) ? DEFAULT_SIZE : model.sizes[0]!)
  if (!model.sizes.includes(size)) throw invalid('size', `This model makes ${model.sizes.join(', ')}.`)
  return { model, size }
}

/** The model a job was made with, as it is now (enabled or not: a job accepted runs). */
export async function jobModel(id: string): Promise<ModelRow | undefined> {
  return (await allModels()).find(row => row.id === id) ?? findModel(id)
}

/** A gateway refused the way the catalogue said and took another: remember that one. */
export async function rememberMode(id: string, mode: UpstreamMode) {
  await setModelMode(id, mode)
  forget()
}

export async function adminModels(): Promise<AdminModel[]> {
  return (await listModels()).map(toAdminModel)
}

export async function createModel(input: CreateModelInput, actorId: number): Promise<AdminModel> {
  const row = await insertModel(input, { actorId, action: 'model.create', details: { ...input } })
  if (!row) throw new AppError('VALIDATION_ERROR', 'A model with this id exists.', { fields: { id: ['Taken.'] } })
  forget()
  return toAdminModel(row)
}

/** A price change applies from the next generation on; the ledger keeps what was charged before. */
export async function patchModel(id: string, patch: PatchModelInput, actorId: number): Promise<AdminModel> {
  const row = await updateModel(id, patch, { actorId, action: 'model.update', details: {} })
  if (!row) throw new AppError('NOT_FOUND', 'No such model.')
  forget()
  return toAdminModel(row)
}
