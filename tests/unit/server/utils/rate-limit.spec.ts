import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../../server/utils/errors'
import { assertWithinLimit, consumeLimit, limitFailures } from '../../../../server/utils/rate-limit'
import { useTempDatabase } from '../../../support/db'

let temp: ReturnType<typeof useTempDatabase>
beforeAll(() => {
  temp = useTempDatabase({ rateLimitRedeem: '3/1h', rateLimitGenerate: '2/1s' })
})
afterAll(() => temp.close())

async function status(run: () => Promise<unknown>) {
  try {
    await run()
    return { code: 'OK' }
  }
  catch (error) {
    if (!(error instanceof AppError)) return { code: String(error) }
    return { code: error.code, retryAfter: error.details?.retryAfter }
  }
}

describe('rate limits', () => {
  it('lets successes through and blocks a key after its allowance of failures, with the seconds to wait', async () => {
    const fail = () => limitFailures('redeem', 'user-1', async () => {
      throw new Error('wrong code')
    })
    for (let i = 0; i < 3; i++) expect((await status(fail)).code).toBe('Error: wrong code')
    const blocked = await status(() => limitFailures('redeem', 'user-1', async () => 'fine'))
    expect(blocked.code).toBe('RATE_LIMITED')
    expect(blocked.retryAfter).toBeGreaterThan(3000)
    expect(blocked.retryAfter).toBeLessThanOrEqual(3600)
    // Another key is untouched, and successes never count.
    for (let i = 0; i < 5; i++) expect((await status(() => limitFailures('redeem', 'user-2', async () => 'fine'))).code).toBe('OK')
    expect((await status(() => assertWithinLimit('redeem', 'user-2'))).code).toBe('OK')
  })

  it('counts every attempt of a consumed limit and frees the key when its window ends', async () => {
    expect((await status(() => consumeLimit('generate', 'u'))).code).toBe('OK')
    expect((await status(() => consumeLimit('generate', 'u'))).code).toBe('OK')
    const third = await status(() => consumeLimit('generate', 'u'))
    expect(third).toEqual({ code: 'RATE_LIMITED', retryAfter: 1 })
    await new Promise(resolve => setTimeout(resolve, 1100))
    expect((await status(() => consumeLimit('generate', 'u'))).code).toBe('OK')
  })
})
