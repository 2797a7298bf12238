import { describe, expect, it } from 'vitest'
import { hashPassword, isCommonPassword, verifyAgainstDummy, verifyPassword } from '../../../../server/utils/password'

describe('password hashing', () => {
  it('hashes with argon2id, salted, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse')
    const b = await hashPassword('correct horse')
    expect(a).toMatch(/^\$argon2id\$/)
    expect(a).not.toBe(b)
    expect(await verifyPassword(a, 'correct horse')).toBe(true)
    expect(await verifyPassword(a, 'Correct horse')).toBe(false)
  })

  it('treats a damaged hash as a failed check, not an exception', async () => {
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false)
  })

  it('always fails the dummy check', async () => {
    expect(await verifyAgainstDummy('anything')).toBe(false)
  })

  it('knows the most common passwords, whatever their case, and not ordinary ones', async () => {
    for (const common of ['password', 'PASSWORD', '12345678', 'qwertyuiop', 'iloveyou']) expect(await isCommonPassword(common), common).toBe(true)
    for (const fine of ['correct-horse-1', 'brand-new-secret-2', 'zq8#Lm2!vX']) expect(await isCommonPassword(fine), fine).toBe(false)
  })
})
