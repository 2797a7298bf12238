import { asc, count, eq } from 'drizzle-orm'
import type { UpstreamMode } from '#shared/constants/catalog'
import { inTransaction, useDb } from '#server/db'
import { auditLog, models, type ModelRow } from '#server/db/schema'

type NewModel = Omit<typeof models.$inferInsert, 'createdAt' | 'updatedAt'>
type ModelPatch = Partial<Omit<NewModel, 'id'>>

export interface Audit {
  actorId: number | null
  action: string
  details: Record<string, unknown>
}

export async function listModels(): Promise<ModelRow[]> {
  return useDb().select().from(models).orderBy(asc(models.sortOrder), asc(models.id)).all()
}

export async function findModel(id: string): Promise<ModelRow | undefined> {
  return useDb().select().from(models).where(eq(models.id, id)).get()
}

/** The first start's catalogue: written only while the table is empty. */
export async function seedModels(seeds: readonly NewModel[]): Promise<number> {
  return inTransaction((tx) => {
    if ((tx.select({ n: count() }).from(models).get()?.n ?? 0) > 0) return 0
    for (const seed of seeds) tx.insert(models).values({ ...seed, sizes: [...seed.sizes] }).onConflictDoNothing().run()
    return seeds.length
  })
}

/** A new model and its audit row together; null when the id is taken. */
export async function insertModel(model: NewModel, audit: Audit): Promise<ModelRow | null> {
  return inTransaction((tx) => {
    const row = tx.insert(models).values(model).onConflictDoNothing().returning().get()
    if (row) tx.insert(auditLog).values({ ...audit, target: `model:${row.id}` }).run()
    return row ?? null
  })
}

/** The change and its audit row (with the values before and after) together; undefined for an unknown model. */
export async function updateModel(id: string, patch: ModelPatch, audit: Audit): Promise<ModelRow | undefined> {
  return inTransaction((tx) => {
    const before = tx.select().from(models).where(eq(models.id, id)).get()
    if (!before) return undefined
    const row = tx.update(models).set({ ...patch, updatedAt: new Date() }).where(eq(models.id, id)).returning().get()
    const changed = Object.fromEntries(Object.keys(patch).map(key => [key, { from: before[key as keyof ModelRow], to: row?.[key as keyof ModelRow] }]))
    tx.insert(auditLog).values({ ...audit, target: `model:${id}`, details: { ...audit.details, changed } }).run()
    return row
  })
}

/** The way of calling a model that worked, remembered for next time. */
export async function setModelMode(id: string, mode: UpstreamMode) {
  useDb().update(models).set({ mode, updatedAt: new Date() }).where(eq(models.id, id)).run()
}
