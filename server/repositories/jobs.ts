import { and, eq } from 'drizzle-orm'
import { useDb } from '#server/db'
import { creations, generationJobs, users, type CreationRow, type GenerationJobRow } from '#server/db/schema'
import { applyCreditChange } from '#server/repositories/ledger'

type NewJob = Pick<GenerationJobRow, 'userId' | 'kind' | 'model' | 'size' | 'cost' | 'provider'>
type NewCreation = Omit<typeof creations.$inferInsert, 'id' | 'userId' | 'createdAt'>

class InsufficientCredits extends Error {}

/**
 * Records a pending job and takes its cost from the balance in one transaction. The spend only
 * happens when the balance covers it (decided by the UPDATE), so parallel requests cannot overspend.
 * Returns null, with nothing written, when it does not.
 */
export async function reserveJob(job: NewJob): Promise<{ job: GenerationJobRow, credits: number } | null> {
  try {
    return useDb().transaction((tx) => {
      const row = tx.insert(generationJobs).values({ ...job, status: 'pending' }).returning().get()
      const credits = applyCreditChange(tx, { userId: job.userId, delta: -job.cost, reason: 'generation', reference: `job:${row.id}` })
      if (credits === null) throw new InsufficientCredits()
      return { job: row, credits }
    })
  }
  catch (error) {
    if (error instanceof InsufficientCredits) return null
    throw error
  }
}

/** The creation row and the job's success, together. */
export async function completeJob(job: GenerationJobRow, creation: NewCreation, latencyMs: number): Promise<{ creation: CreationRow, credits: number }> {
  return useDb().transaction((tx) => {
    const row = tx.insert(creations).values({ ...creation, userId: job.userId }).returning().get()
    tx.update(generationJobs)
      .set({ status: 'succeeded', creationId: row.id, latencyMs, finishedAt: new Date() })
      .where(eq(generationJobs.id, job.id))
      .run()
    const user = tx.select({ credits: users.credits }).from(users).where(eq(users.id, job.userId)).get()
    return { creation: row, credits: user?.credits ?? 0 }
  })
}

/** Marks a pending job failed and refunds its cost in the same transaction; a job already finished is left alone. */
export async function failJob(job: GenerationJobRow, errorCode: string, latencyMs: number | null): Promise<number | null> {
  return useDb().transaction((tx) => {
    const updated = tx.update(generationJobs)
      .set({ status: 'failed', errorCode, latencyMs, finishedAt: new Date() })
      .where(and(eq(generationJobs.id, job.id), eq(generationJobs.status, 'pending')))
      .returning({ id: generationJobs.id })
      .get()
    if (!updated) return null
    return applyCreditChange(tx, { userId: job.userId, delta: job.cost, reason: 'refund', reference: `job:${job.id}` })
  })
}

export async function pendingJobs(): Promise<GenerationJobRow[]> {
  return useDb().select().from(generationJobs).where(eq(generationJobs.status, 'pending')).all()
}
