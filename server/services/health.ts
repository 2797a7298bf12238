import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
import { databaseReadable } from '#server/repositories/health'
import { AppError } from '#server/utils/errors'

// Two histograms of the event loop's delay, each restarted every 20 s, 10 s apart: the one read always
// covers the last 10 to 20 seconds.
const WINDOW_MS = 20_000
// How often the loop is sampled; a sample is the time between two ticks, so this much is no delay.
const RESOLUTION_MS = 10
const loops: { histogram: IntervalHistogram, since: number }[] = []

function startLoops() {
  if (loops.length) return
  const now = Date.now()
  for (const offset of [0, WINDOW_MS / 2]) {
    const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
    histogram.enable()
    loops.push({ histogram, since: now - offset })
  }
  setInterval(() => {
    const oldest = loops.reduce((a, b) => (a.since <= b.since ? a : b))
    oldest.histogram.reset()
    oldest.since = Date.now()
  }, WINDOW_MS / 2).unref()
}

/** The event loop's delay over the last 10–20 s, in ms: how long work waited for the main thread. */
export function eventLoopDelay(): { p50: number, p99: number } {
  startLoops()
  const { histogram } = loops.reduce((a, b) => (a.since <= b.since ? a : b))
  if (!histogram.count) return { p50: 0, p99: 0 }
  // In ms to two decimals, rounded last (rounding first left 1.4000000000000004 after the subtraction).
  const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100)
  return { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)) }
}

/** What an uptime check sees: ok with the version and the event loop's delay, or 503 when the database cannot be read. */
export async function health(version: string) {
  if (!await databaseReadable()) {
    throw new AppError('SERVICE_UNAVAILABLE', 'The database cannot be read.', { status: 'error', db: 'unavailable', version })
  }
  return { status: 'ok' as const, db: 'ok' as const, version, eventLoopDelayMs: eventLoopDelay() }
}
