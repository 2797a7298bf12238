import { and, desc, eq, lt, sql } from 'drizzle-orm'
import { prepared, useDb, useTables, inTransaction, type Db } from '#server/db'
import type { LedgerRow } from '#server/db/schema'

export interface CreditChange {
  userId: number
  delta: number
  reason: LedgerRow['reason']
  reference?: string | null
  actorId?: number | null
  note?: string | null
}

/**
 * Changes a balance and writes its ledger row, inside the caller's transaction. The balance only
 * changes when it stays non-negative, decided by the UPDATE itself, so concurrent callers can never
 * overspend. Returns the new balance, or null when the user is missing or the balance would go below zero.
 */
export async function applyCreditChange(tx: Db, change: CreditChange): Promise<number | null> {
  // Prepared once (every generation and refund runs them), on the transaction's connection.
  const [updated] = await prepared(tx, 'changeBalance', (db, { users }) => {
    const delta = sql.placeholder('delta')
    return db.update(users)
      .set({ credits: sql`${users.credits} + ${delta}` })
      .where(and(eq(users.id, sql.placeholder('userId')), sql`${users.credits} + ${delta} >= 0`))
      .returning({ credits: users.credits })
  })({ userId: change.userId, delta: change.delta })
  if (!updated) return null
  await prepared(tx, 'insertLedgerRow', (db, { creditLedger }) => db.insert(creditLedger).values({
    userId: sql.placeholder('userId'),
    delta: sql.placeholder('delta'),
    balanceAfter: sql.placeholder('balanceAfter'),
    reason: sql.placeholder('reason'),
    reference: sql.placeholder('reference'),
    actorId: sql.placeholder('actorId'),
    note: sql.placeholder('note'),
    // Given each time: the column's default is worked out once, when the statement is prepared.
    createdAt: sql.placeholder('createdAt'),
  }))({
    userId: change.userId,
    delta: change.delta,
    balanceAfter: updated.credits,
    reason: change.reason,
    reference: change.reference ?? null,
    actorId: change.actorId ?? null,
    note: change.note ?? null,
    createdAt: new Date(),
  })
  return updated.credits
}

/** applyCreditChange in a transaction of its own. */
export async function changeCredits(change: CreditChange): Promise<number | null> {
  return inTransaction(tx => applyCreditChange(tx, change))
}

export async function listLedger(userId: number, limit: number, beforeId?: number): Promise<LedgerRow[]> {
  const { creditLedger } = useTables()
  return useDb().select().from(creditLedger)
    .where(and(eq(creditLedger.userId, userId), beforeId ? lt(creditLedger.id, beforeId) : undefined))
    .orderBy(desc(creditLedger.id))
    .limit(limit)
}
