import { randomBytes } from 'node:crypto'
import argon2 from 'argon2'
import { AppError } from '#server/utils/errors'

export function hashPassword(password: string) {
  return argon2.hash(password, { type: argon2.argon2id })
}

export async function verifyPassword(hash: string, password: string) {
  try {
    return await argon2.verify(hash, password)
  }
  catch {
    return false
  }
}

let dummyHash: Promise<string> | undefined

/** Spends the same time as a real check, so an unknown email cannot be told from a wrong password. */
export async function verifyAgainstDummy(password: string) {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'))
  await verifyPassword(await dummyHash, password)
  return false
}

let common: Promise<Set<string>> | undefined

/** The 10,000 most common passwords (zxcvbn's list, most frequent first), loaded on first use. */
function commonPasswords() {
  common ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => new Set(dictionary['passwords-common'].slice(0, 10_000)))
  return common
}

export async function isCommonPassword(password: string) {
  return (await commonPasswords()).has(password.toLowerCase())
}

/** A password from the lists attackers try first is refused, with the reason, as a field error. */
export async function assertUncommonPassword(password: string, field: string) {
  if (await isCommonPassword(password)) {
    throw new AppError('VALIDATION_ERROR', 'This password is one of the most common ones. Choose another.', { fields: { [field]: ['This password is too common.'] }, reason: 'COMMON_PASSWORD' })
  }
}
