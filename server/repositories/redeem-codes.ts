import { and, count, desc, eq, lt, sql } from 'drizzle-orm'
import { first, inTransaction, useDb, useTables } from '#server/db'
import type { RedeemCodeRow } from '#server/db/schema'
import { applyCreditChange } from '#server/repositories/ledger'

export interface NewRedeemCode {
  code: string
  credits: number
  maxUses: number
  expiresAt: Date | null
  createdBy: number | null
}

/** Inserts the codes in one transaction; a code already taken is skipped (the caller retries with a new one). */
export async function insertRedeemCodes(codes: NewRedeemCode[]): Promise<RedeemCodeRow[]> {
  const { redeemCodes } = useTables()
  return inTransaction(async (tx) => {
    const inserted: RedeemCodeRow[] = []
    for (const code of codes) inserted.push(...await tx.insert(redeemCodes).values(code).onConflictDoNothing({ target: redeemCodes.code }).returning())
    return inserted
  })
}

export async function listRedeemCodes(page: number, pageSize: number): Promise<{ items: RedeemCodeRow[], total: number }> {
  const db = useDb()
  const { redeemCodes } = useTables()
  const items = await db.select().from(redeemCodes)
    .orderBy(desc(redeemCodes.id))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
  const total = (await first(db.select({ n: count() }).from(redeemCodes)))?.n ?? 0
  return { items, total }
}

export type RedeemOutcome
  = | { ok: true, credits: number, balance: number }
    | { ok: false, reason: 'NOT_FOUND' | 'CODE_EXPIRED' | 'CODE_ALREADY_REDEEMED' | 'CODE_USED_UP' | 'NO_USER' }

class Refused extends Error {
  constructor(readonly reason: Extract<RedeemOutcome, { ok: false }>['reason']) {
    super(reason)
  }
}

/**
 * Adds a code's credits to a user, once per user, in one transaction: the use, the count and the
 * balance change all happen or none does (any refusal rolls back what was written before it).
 */
export async function redeemForUser(code: string, userId: number, now: Date): Promise<RedeemOutcome> {
  try {
    const { redeemCodes, redeemUses } = useTables()
    return await inTransaction(async (tx) => {
      const row = await first(tx.select().from(redeemCodes).where(eq(redeemCodes.code, code)))
      if (!row) throw new Refused('NOT_FOUND')
      if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) throw new Refused('CODE_EXPIRED')
      const use = await first(tx.insert(redeemUses).values({ codeId: row.id, userId })
        .onConflictDoNothing({ target: [redeemUses.codeId, redeemUses.userId] })
        .returning({ id: redeemUses.id }))
      if (!use) throw new Refused('CODE_ALREADY_REDEEMED')
      // One more use, only while uses remain (decided by the UPDATE itself).
      const taken = await first(tx.update(redeemCodes)
        .set({ uses: sql`${redeemCodes.uses} + 1` })
        .where(and(eq(redeemCodes.id, row.id), lt(redeemCodes.uses, redeemCodes.maxUses)))
        .returning({ id: redeemCodes.id }))
      if (!taken) throw new Refused('CODE_USED_UP')
      const balance = await applyCreditChange(tx, { userId, delta: row.credits, reason: 'redeem', reference: `code:${row.id}` })
      if (balance === null) throw new Refused('NO_USER')
      return { ok: true as const, credits: row.credits, balance }
    })
  }
  catch (error) {
    if (error instanceof Refused) return { ok: false, reason: error.reason }
    throw error
  }
}
