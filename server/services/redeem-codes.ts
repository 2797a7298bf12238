import { randomBytes } from 'node:crypto'
import type { CreateCodesInput, PageQuery } from '../../shared/schemas/admin'
import type { RedeemCode } from '../../shared/types/admin'
import { useDb } from '../db'
import type { RedeemCodeRow } from '../db/schema'
import { changeCredits } from '../repositories/ledger'
import { findRedeemCode, insertRedeemCodes, listRedeemCodes, recordRedeemUse, takeRedeemUse } from '../repositories/redeem-codes'
import { apiError } from '../utils/errors'

// 32 symbols without 0/O and 1/I: 5 random bits each, 80 bits for a 16-symbol code.
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'
const BODY_LENGTH = 16
const PREFIX = 'NB'
const BODY = new RegExp(`^[${ALPHABET}]{${BODY_LENGTH}}$`)

function format(body: string) {
  return [PREFIX, ...body.match(/.{4}/g)!].join('-')
}

export function generateCode(): string {
  return format([...randomBytes(BODY_LENGTH)].map(byte => ALPHABET[byte & 31]).join(''))
}

/** `nb-abcd efgh…`, `ABCDEFGH…` and `NB-ABCD-…` all name the same code; null when it cannot be one. */
export function normalizeCode(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s_-]/g, '')
  const body = compact.length === PREFIX.length + BODY_LENGTH && compact.startsWith(PREFIX) ? compact.slice(PREFIX.length) : compact
  return BODY.test(body) ? format(body) : null
}

export function toRedeemCode(row: RedeemCodeRow, now = new Date()): RedeemCode {
  const expired = row.expiresAt !== null && row.expiresAt.getTime() <= now.getTime()
  return {
    id: row.id,
    code: row.code,
    credits: row.credits,
    maxUses: row.maxUses,
    uses: row.uses,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    state: expired ? 'expired' : row.uses >= row.maxUses ? 'used_up' : 'active',
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  }
}

export function createCodes(input: CreateCodesInput, createdBy: number): RedeemCode[] {
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null
  const created: RedeemCodeRow[] = []
  // A collision among 2^80 codes is practically impossible; should one happen, that code is drawn again.
  for (let attempt = 0; created.length < input.count && attempt < 5; attempt++) {
    const fresh = Array.from({ length: input.count - created.length }, () => ({ code: generateCode(), credits: input.credits, maxUses: input.maxUses, expiresAt, createdBy }))
    created.push(...insertRedeemCodes(fresh))
  }
  return created.map(row => toRedeemCode(row))
}

export function listCodes(query: PageQuery) {
  const { items, total } = listRedeemCodes(query.page, query.pageSize)
  const now = new Date()
  return { items: items.map(row => toRedeemCode(row, now)), total }
}

/**
 * Adds a code's credits to a user, once per user, in one transaction: the use, the count and the
 * balance change all happen or none does. Returns the credits added and the new balance.
 */
export function redeemCode(input: string, userId: number, now = new Date()): { credits: number, balance: number } {
  const code = normalizeCode(input)
  if (!code) throw apiError('NOT_FOUND', 'No such code.')
  return useDb().transaction((tx) => {
    const row = findRedeemCode(code, tx)
    if (!row) throw apiError('NOT_FOUND', 'No such code.')
    if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) throw apiError('CODE_EXPIRED')
    if (!recordRedeemUse(row.id, userId, tx)) throw apiError('CODE_ALREADY_REDEEMED')
    if (!takeRedeemUse(row.id, tx)) throw apiError('CODE_USED_UP')
    const balance = changeCredits({ userId, delta: row.credits, reason: 'redeem', reference: `code:${row.id}` }, tx)
    if (balance === null) throw apiError('NOT_FOUND', 'No such user.')
    return { credits: row.credits, balance }
  })
}
