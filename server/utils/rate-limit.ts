interface Window { count: number, resetAt: number }

/**
 * Counts failures per key in fixed windows, in memory (one process serves the app).
 * `blocked(key)` is true once `limit` failures were recorded within `windowMs`.
 */
export function createFailureLimiter(limit: number, windowMs: number) {
  const windows = new Map<string, Window>()

  function current(key: string, now: number) {
    const w = windows.get(key)
    if (w && w.resetAt <= now) {
      windows.delete(key)
      return undefined
    }
    return w
  }

  return {
    blocked(key: string, now = Date.now()) {
      return (current(key, now)?.count ?? 0) >= limit
    },
    fail(key: string, now = Date.now()) {
      if (windows.size > 10_000) {
        for (const [k, w] of windows) if (w.resetAt <= now) windows.delete(k)
      }
      const w = current(key, now)
      if (w) w.count += 1
      else windows.set(key, { count: 1, resetAt: now + windowMs })
    },
  }
}
