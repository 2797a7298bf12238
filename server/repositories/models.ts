import { asc, count, eq } from 'drizzle-orm'
import type { UpstreamMode } from '#shared/constants/catalog'
import { first, inTransaction, useDb, useTables } from '#server/db'
import type { models, ModelRow } from '#server/db/schema'

type NewModel = Omit<typeof models.$inferInsert, 'createdAt' | 'updatedAt'>
type ModelPatch = Partial<Omit<NewModel, 'id'>>

export interface Audit {
  actorId: number | null
  action: string
  details: Record<string, unknown>
}

export async function listModels(): Promise<ModelRow[]> {
  const { models } = useTables()
  return useDb().select().from(models).orderBy(asc(models.sortOrder), asc(models.id))
}

export async function findModel(id: string): Promise<ModelRow | undefined> {
  const { models } = useTables()
  return first(useDb().select().from(models).where(eq(models.id, id)))
}

/** The first start's catalogue: written only while the table is empty. */
export async function seedModels(seeds: readonly NewModel[]): Promise<number> {
  const { models } = useTables()
  return inTransaction(async (tx) => {
    if (((await first(tx.select({ n: count() }).from(models)))?.n ?? 0) > 0) return 0
    for (const seed of seeds) await tx.insert(models).values({ ...seed, sizes: [...seed.sizes] }).onConflictDoNothing()
    return seeds.length
  })
}

/** A new model and its audit row together; null when the id is taken. */
export async function insertModel(model: NewModel, audit: Audit): Promise<ModelRow | null> {
  const { models, auditLog } = useTables()
  return inTransaction(async (tx) => {
    const row = await first(tx.insert(models).values(model).onConflictDoNothing().returning())
    if (row) await tx.insert(auditLog).values({ ...audit, target: `model:${row.id}` })
    return row ?? null
  })
}

/** The change and its audit row (with the values before and after) together; undefined for an unknown model. */
export async function updateModel(id: string, patch: ModelPatch, audit: Audit): Promise<ModelRow | undefined> {
  const { models, auditLog } = useTables()
  return inTransaction(async (tx) => {
    const before = await first(tx.select().from(models).where(eq(models.id, id)))
    if (!before) return undefined
    const row = await first(tx.update(models).set({ ...patch, updatedAt: new Date() }).where(eq(models.id, id)).returning())
    const changed = Object.fromEntries(Object.keys(patch).map(key => [key, { from: before[key as keyof ModelRow], to: row?.[key as keyof ModelRow] }]))
    await tx.insert(auditLog).values({ ...audit, target: `model:${id}`, details: { ...audit.details, changed } })
    return row
  })
}

/** The way of calling a model that worked, remembered for next time. */
export async function setModelMode(id: string, mode: UpstreamMode) {
  const { models } = useTables()
  await inTransaction(tx => tx.update(models).set({ mode, updatedAt: new Date() }).where(eq(models.id, id)))
}
