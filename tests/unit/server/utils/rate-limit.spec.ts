import { describe, expect, it } from 'vitest'
import { createFailureLimiter } from '../../../../server/utils/rate-limit'

describe('failure limiter', () => {
  it('blocks a key after the limit of failures and frees it when the window ends', () => {
    const limiter = createFailureLimiter(3, 1000)
    for (let i = 0; i < 3; i++) {
      expect(limiter.blocked('a', 0)).toBe(false)
      limiter.fail('a', 0)
    }
    expect(limiter.blocked('a', 500)).toBe(true)
    expect(limiter.blocked('b', 500)).toBe(false)
    expect(limiter.blocked('a', 1000)).toBe(false)
  })
})
