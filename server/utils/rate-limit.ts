import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import { usePostgresPool } from '#server/db'
import { useServerConfig, type ServerConfig } from '#server/utils/config'
import { AppError } from '#server/utils/errors'

type LimitName = keyof ServerConfig['rateLimits']

const limiters = new Map<LimitName, RateLimiterAbstract>()

/**
 * The store behind every limit, from rate-limiter-flexible: on PostgreSQL its table there
 * (`rate_limits`, made by our migrations), so that every instance counts against the same allowance;
 * on SQLite, memory (one process serves the app).
 */
function limiter(name: LimitName): RateLimiterAbstract {
  let found = limiters.get(name)
  if (!found) {
    const { points, windowMs } = useServerConfig().rateLimits[name]
    const options = { keyPrefix: name, points, duration: Math.max(1, Math.ceil(windowMs / 1000)) }
    const pool = usePostgresPool()
    found = pool
      ? new RateLimiterPostgres({ ...options, storeClient: pool, storeType: 'pool', tableName: 'rate_limits', tableCreated: true })
      : new RateLimiterMemory(options)
    limiters.set(name, found)
  }
  return found
}

function rateLimited(msBeforeNext: number, message?: string) {
  return new AppError('RATE_LIMITED', message, { retryAfter: Math.max(1, Math.ceil(msBeforeNext / 1000)) })
}

/** Throws 429 RATE_LIMITED (with Retry-After) when `key` has used up its allowance; counts nothing. */
export async function assertWithinLimit(name: LimitName, key: string, message?: string) {
  const state = await limiter(name).get(key)
  if (state && state.consumedPoints >= useServerConfig().rateLimits[name].points) throw rateLimited(state.msBeforeNext, message)
}

/** Counts one attempt against `key`, throwing 429 RATE_LIMITED when this one is over the allowance. */
export async function consumeLimit(name: LimitName, key: string, message?: string) {
  try {
    await limiter(name).consume(key)
  }
  catch (error) {
    if (error instanceof RateLimiterRes) throw rateLimited(error.msBeforeNext, message)
    throw error
  }
}

/** Counts a failure (a wrong password, a bad code) without failing the request that made it. */
export async function recordFailure(name: LimitName, key: string) {
  await limiter(name).penalty(key)
}

/**
 * Runs `attempt` unless `key` is over its allowance of failures; a failure (any thrown error) counts
 * against the key, a success changes nothing.
 */
export async function limitFailures<T>(name: LimitName, key: string, attempt: () => Promise<T>, message?: string): Promise<T> {
  await assertWithinLimit(name, key, message)
  try {
    return await attempt()
  }
  catch (error) {
    await recordFailure(name, key)
    throw error
  }
}
