import { randomBytes } from 'node:crypto'
import type { CreateCodesInput, PageQuery } from '#shared/schemas/admin'
import type { RedeemCode } from '#shared/types/admin'
import type { RedeemCodeRow } from '#server/db/schema'
import { insertRedeemCodes, listRedeemCodes, redeemForUser } from '#server/repositories/redeem-codes'
import { AppError } from '#server/utils/errors'

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

function toRedeemCode(row: RedeemCodeRow, now = new Date()): RedeemCode {
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

export async function createCodes(input: CreateCodesInput, createdBy: number): Promise<RedeemCode[]> {
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null
  const created: RedeemCodeRow[] = []
  // A collision among 2^80 codes is practically impossible; should one happen, that code is drawn again.
  for (let attempt = 0; created.length < input.count && attempt < 5; attempt++) {
    const fresh = Array.from({ length: input.count - created.length }, () => ({ code: generateCode(), credits: input.credits, maxUses: input.maxUses, expiresAt, createdBy }))
    created.push(...await insertRedeemCodes(fresh))
  }
  return created.map(row => toRedeemCode(row))
}

export async function listCodes(query: PageQuery) {
  const { items, total } = await listRedeemCodes(query.page, query.pageSize)
  const now = new Date()
  return { items: items.map(row => toRedeemCode(row, now)), total }
}

/** Adds a code's credits to a user, once per user. Returns the credits added and the new balance. */
export async function redeemCode(input: string, userId: number, now = new Date()): Promise<{ credits: number, balance: number }> {
  const code = normalizeCode(input)
  if (!code) throw new AppError('NOT_FOUND', 'No such code.')
  const outcome = await redeemForUser(code, userId, now)
  if (outcome.ok) return { credits: outcome.credits, balance: outcome.balance }
  if (outcome.reason === 'NOT_FOUND') throw new AppError('NOT_FOUND', 'No such code.')
  if (outcome.reason === 'NO_USER') throw new AppError('NOT_FOUND', 'No such user.')
  throw new AppError(outcome.reason)
}
