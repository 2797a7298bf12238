/**
 * API benchmarks on this machine: `npm run build && npm run bench`.
 * Starts the built server (as the tests do) against the fake upstream and prints latencies and the
 * server's memory. Figures go in docs/PERFORMANCE.md; no test asserts on time.
 */
import { readFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { startFakeUpstream, upstreamEnv } from '../tests/support/fake-upstream'
import { client, signUp, startServer } from '../tests/support/server'

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function measure(label: string, runs: number, fn: (i: number) => Promise<unknown>) {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    await fn(i)
    times.push(performance.now() - started)
  }
  console.log(`${label.padEnd(52)} n=${String(runs).padStart(4)}  p50 ${percentile(times, 50).toFixed(1).padStart(7)} ms  p95 ${percentile(times, 95).toFixed(1).padStart(7)} ms`)
}

function rssMb(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024
}

const upstream = await startFakeUpstream()
const server = await startServer({ env: { ...upstreamEnv(upstream), NUXT_SIGNUP_CREDITS: '100000' } })
const pid = server.process.pid!
console.log(`node ${process.version}, server pid ${pid}, RSS at start ${rssMb(pid).toFixed(0)} MB`)

const { api, email, password } = await signUp(server)
const anon = client(server)

await measure('POST /api/login (argon2id verify)', 20, () => anon('/api/login', { method: 'POST', body: { email, password } }))
await measure('GET /api/users/me', 200, () => api('/api/users/me'))
await measure('POST /api/generate/text-to-image (fake upstream, b64)', 50, i => api('/api/generate/text-to-image', { method: 'POST', body: { prompt: `bench ${i}` } }))

upstream.fallback = { kind: 'url' }
await measure('POST /api/generate/text-to-image (fake upstream, URL)', 30, i => api('/api/generate/text-to-image', { method: 'POST', body: { prompt: `bench url ${i}` } }))
upstream.fallback = { kind: 'b64' }

const parallel = 20
const started = performance.now()
await Promise.all(Array.from({ length: parallel }, (_, i) => api('/api/generate/text-to-image', { method: 'POST', body: { prompt: `parallel ${i}` } })))
console.log(`${`${parallel} parallel text-to-image requests`.padEnd(52)} total ${(performance.now() - started).toFixed(0)} ms`)

// A large gallery: 10,000 rows for this user, written straight into the database.
const user = await api<{ id: number }>('/api/users/me')
const db = new Database(join(server.dataDir, 'nano-banana.db'))
const insert = db.prepare('insert into creations (user_id, prompt, image_url, thumbnail_url, model_used, size, kind, width, height, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
db.transaction(() => {
  for (let i = 0; i < 10_000; i++) insert.run(user.id, `row ${i}`, '/images/x.png', '/images/x_thumb.webp', 'nano-banana', '1:1', 'text-to-image', 1024, 1024, Date.now())
})()
db.close()
let cursor: string | null = null
await measure('GET /api/gallery?limit=24 (10,000 rows, walking pages)', 100, async () => {
  const page: { nextCursor: string | null } = await api('/api/gallery', { query: { limit: 24, ...(cursor ? { cursor } : {}) } })
  cursor = page.nextCursor
})

console.log(`server RSS after the runs ${rssMb(pid).toFixed(0)} MB`)
await server.stop()
await upstream.close()
