import { and, count, desc, eq, lt, sql } from 'drizzle-orm'
import { useDb } from '../db'
import { redeemCodes, redeemUses, type RedeemCodeRow } from '../db/schema'
import type { Tx } from './ledger'

export interface NewRedeemCode {
  code: string
  credits: number
  maxUses: number
  expiresAt: Date | null
  createdBy: number | null
}

/** Inserts the codes in one transaction; a code already taken is skipped (the caller retries with a new one). */
export function insertRedeemCodes(codes: NewRedeemCode[]): RedeemCodeRow[] {
  return useDb().transaction(tx => codes
    .map(code => tx.insert(redeemCodes).values(code).onConflictDoNothing({ target: redeemCodes.code }).returning().get())
    .filter((row): row is RedeemCodeRow => row !== undefined))
}

export function listRedeemCodes(page: number, pageSize: number) {
  const db = useDb()
  const items = db.select().from(redeemCodes)
    .orderBy(desc(redeemCodes.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all()
  const total = db.select({ n: count() }).from(redeemCodes).get()?.n ?? 0
  return { items, total }
}

export function findRedeemCode(code: string, tx?: Tx): RedeemCodeRow | undefined {
  return (tx ?? useDb()).select().from(redeemCodes).where(eq(redeemCodes.code, code)).get()
}

/** Records that a user used a code; false when they already had. */
export function recordRedeemUse(codeId: number, userId: number, tx: Tx): boolean {
  const row = tx.insert(redeemUses).values({ codeId, userId })
    .onConflictDoNothing({ target: [redeemUses.codeId, redeemUses.userId] })
    .returning({ id: redeemUses.id })
    .get()
  return row !== undefined
}

/** Counts one more use, only while uses remain (decided by the UPDATE itself); false when used up. */
export function takeRedeemUse(codeId: number, tx: Tx): boolean {
  const row = tx.update(redeemCodes)
    .set({ uses: sql`${redeemCodes.uses} + 1` })
    .where(and(eq(redeemCodes.id, codeId), lt(redeemCodes.uses, redeemCodes.maxUses)))
    .returning({ id: redeemCodes.id })
    .get()
  return row !== undefined
}
