import type { LedgerPage } from '#shared/schemas/account'
import { listLedger } from '#server/repositories/ledger'

/** One page of a user's credit history, newest first; one extra row tells whether another page follows. */
export async function creditHistory(userId: number, limit: number, cursor?: number): Promise<LedgerPage> {
  const rows = await listLedger(userId, limit + 1, cursor)
  const page = rows.slice(0, limit)
  return {
    items: page.map(row => ({
      id: row.id,
      delta: row.delta,
      balanceAfter: row.balanceAfter,
      reason: row.reason,
      createdAt: row.createdAt.toISOString(),
    })),
    nextCursor: rows.length > limit ? String(page.at(-1)!.id) : null,
  }
}
