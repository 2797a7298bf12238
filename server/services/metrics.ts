import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { countActiveJobs } from '#server/repositories/jobs'
import { eventLoopDelay } from '#server/services/health'

/**
 * What `GET /metrics` shows Prometheus (prom-client): requests by route and status, generations by
 * model and outcome, the model's latency, credits spent and refunded, jobs waiting and running, the
 * event loop's delay, and Node's own figures (memory, CPU, GC, handles).
 */
const registry = new Registry()
// Node's own figures (GC, handles, event-loop lag) are watched from the first scrape on: a server
// whose metrics are off never starts their observers.
let watchingNode = false

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const MODEL_SECONDS = [1, 2.5, 5, 10, 20, 30, 60, 120, 180, 300]

const requests = new Counter({
  name: 'nano_banana_http_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status.',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
})
const requestSeconds = new Histogram({
  name: 'nano_banana_http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by method, route pattern and status (an event stream counts until it ends).',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: SECONDS,
  registers: [registry],
})
const generations = new Counter({
  name: 'nano_banana_generations_total',
  help: 'Pictures asked of the model, by model and outcome (succeeded, or the error code).',
  labelNames: ['model', 'outcome'] as const,
  registers: [registry],
})
const upstreamSeconds = new Histogram({
  name: 'nano_banana_upstream_duration_seconds',
  help: 'Time the image model took to answer, by model and outcome.',
  labelNames: ['model', 'outcome'] as const,
  buckets: MODEL_SECONDS,
  registers: [registry],
})
const creditsSpent = new Counter({
  name: 'nano_banana_credits_spent_total',
  help: 'Credits reserved for generations (refunds are counted apart).',
  registers: [registry],
})
const creditsRefunded = new Counter({
  name: 'nano_banana_credits_refunded_total',
  help: 'Credits given back for pictures that failed or were cut short.',
  registers: [registry],
})
// Read from the database when scraped: every instance's jobs, as the users see them.
new Gauge({
  name: 'nano_banana_jobs',
  help: 'Generation jobs queued or running, on every instance sharing the database.',
  labelNames: ['status'] as const,
  registers: [registry],
  async collect() {
    const active = await countActiveJobs()
    this.set({ status: 'queued' }, active.queued)
    this.set({ status: 'running' }, active.running)
  },
})
new Gauge({
  name: 'nano_banana_event_loop_delay_seconds',
  help: 'The event loop\'s delay over the last 10 to 20 seconds (as in /api/health), by quantile.',
  labelNames: ['quantile'] as const,
  registers: [registry],
  collect() {
    const delay = eventLoopDelay()
    this.set({ quantile: '0.5' }, delay.p50 / 1000)
    this.set({ quantile: '0.99' }, delay.p99 / 1000)
  },
})

export function observeRequest(method: string, route: string, status: number, seconds: number) {
  const labels = { method, route, status: String(status) }
  requests.inc(labels)
  requestSeconds.observe(labels, seconds)
}

export function observeGeneration(model: string, outcome: string, upstreamSecondsTaken: number | null) {
  generations.inc({ model, outcome })
  if (upstreamSecondsTaken !== null) upstreamSeconds.observe({ model, outcome }, upstreamSecondsTaken)
}

export function countCredits(kind: 'spent' | 'refunded', amount: number) {
  if (amount > 0) (kind === 'spent' ? creditsSpent : creditsRefunded).inc(amount)
}

export function metricsText(): Promise<string> {
  if (!watchingNode) {
    collectDefaultMetrics({ register: registry })
    watchingNode = true
  }
  return registry.metrics()
}

export const METRICS_CONTENT_TYPE = registry.contentType
