/**
 * `npm run build && npm run bench`: the server's speed goals (issue 12), measured on this machine side
 * by side with their baselines in one run, and a table of the figures. Exits non-zero when a goal is
 * missed by more than the noise measured between runs (NOISE below). No test asserts on time.
 *
 * 1. GET /api/gallery?limit=24, signed in, 32 connections, against bare `node:http` answering the
 *    same JSON: the server should reach at least 40 % of bare Node.
 * 2. Our own time per text-to-image (the gateway answers at once with a 1024² PNG as b64), sequential,
 *    p50 ≤ 25 ms.
 * 3. 500 simultaneous generations against a gateway that takes 2 s: wall time ≤ 2× the 2 s ideal,
 *    all 500 made, /api/health p99 ≤ 100 ms during the storm (timed by bench/probe.ts, a process of
 *    its own), event-loop delay p99 ≤ 50 ms (from /api/health), peak RSS ≤ 600 MB; the server's CPU
 *    time per storm is printed.
 *    The same 500 requests against bare Node that only receives the gateway's answers
 *    (bench/bare-storm.ts) are timed right before, as the floor this machine sets.
 * 4. A second storm ends within 10 % of the first's RSS (nothing grows across bursts), each read
 *    once the server is idle again (its thumbnails made).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { ofetch } from 'ofetch'
import { ROOT, signUp, startServer, tempDir, testAddress, type TestServer } from '../tests/support/server'

// Between runs on the 2-core machine the throughput ratio moved by up to 5 points and latencies by up
// to 20 % (docs/PERFORMANCE.md): a goal fails only when missed by more than that.
const NOISE = { ratioPoints: 5, relative: 0.2 }
const STORM = { users: 50, perUser: 10, upstreamMs: 2000 }
// Linux's USER_HZ, the unit of /proc/<pid>/stat's CPU times.
const CLOCK_TICKS = 100

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

function rssMb(pid: number) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024
}

/** A TypeScript file of bench/ in a Node process of its own; resolves with the JSON line it prints first. */
async function helper<T>(file: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ child: ChildProcess, info: T }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', file), ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] })
  const info = await new Promise<T>((resolve, reject) => {
    child.stdout!.once('data', (line: Buffer) => resolve(JSON.parse(line.toString()) as T))
    child.once('exit', code => reject(new Error(`${file} exited with ${code}`)))
  })
  return { child, info }
}

async function throughput(url: string, headers: Record<string, string>, seconds: number) {
  const result = await autocannon({ url, connections: 32, duration: seconds, headers })
  if (result.non2xx) throw new Error(`${url}: ${result.non2xx} answers were not 2xx`)
  return result.requests.average
}

const results: { figure: string, value: string, goal: string, ok: boolean }[] = []
function report(figure: string, value: string, goal: string, ok: boolean) {
  results.push({ figure, value, goal, ok })
  console.log(`${ok ? 'ok  ' : 'MISS'} ${figure}: ${value} (goal ${goal})`)
}

const fast = await helper<{ port: number, pngBytes: number }>('gateway.ts', [], { DELAY_MS: '0' })
const slow = await helper<{ port: number }>('gateway.ts', [], { DELAY_MS: String(STORM.upstreamMs) })
const gatewayEnv = (port: number) => ({
  NUXT_IMAGE_PROVIDER: 'openai',
  NUXT_IMAGE_API_BASE_URL: `http://127.0.0.1:${port}`,
  NUXT_IMAGE_API_KEY: 'sk-bench',
  NUXT_SIGNUP_CREDITS: '100000',
  // The storm measures what the server itself can carry: every generation in flight at once.
  NUXT_GENERATION_CONCURRENCY: String(STORM.users * STORM.perUser),
  NUXT_MAX_ACTIVE_JOBS_PER_USER: String(STORM.perUser),
  // As the shipped systemd unit and image run it (deploy/systemd/nano-banana.service says why).
  MALLOC_MMAP_THRESHOLD_: '1048576',
})
console.log(`node ${process.version}; gateway PNG ${(fast.info.pngBytes / 1e6).toFixed(2)} MB`)

// 1 and 2, against the gateway that answers at once.
let server: TestServer = await startServer({ env: gatewayEnv(fast.info.port) })
const owner = await signUp(server)
const times: number[] = []
for (let i = 0; i < 60; i++) {
  const started = performance.now()
  await owner.api('/api/generate/text-to-image', { method: 'POST', body: { prompt: `sequential ${i}` } })
  if (i >= 10) times.push(performance.now() - started)
}
const ownP50 = percentile(times, 50)
report('own time per text-to-image, p50 (gateway at 0 ms, 1024² PNG as b64)', `${ownP50.toFixed(1)} ms (p95 ${percentile(times, 95).toFixed(1)} ms)`, '≤ 25 ms', ownP50 <= 25 * (1 + NOISE.relative))

const galleryUrl = `${server.url}/api/gallery?limit=24`
const auth = { 'authorization': `Bearer ${owner.token}`, 'x-forwarded-for': owner.address }
const bodyFile = join(tempDir('nano-banana-bench-'), 'gallery.json')
writeFileSync(bodyFile, await (await fetch(galleryUrl, { headers: auth })).text())
const bare = await helper<{ port: number }>('bare.ts', [bodyFile])
const bareUrl = `http://127.0.0.1:${bare.info.port}/api/gallery?limit=24`
// Both warmed up, then alternating in short rounds, each round's ratio taken from its own pair: this
// host's speed moves by half within a minute, so a ratio of two long runs measured apart followed it.
await throughput(bareUrl, {}, 1)
await throughput(galleryUrl, auth, 1)
const ours: number[] = []
const baseline: number[] = []
const ratios: number[] = []
for (let round = 0; round < 5; round++) {
  baseline.push(await throughput(bareUrl, {}, 4))
  ours.push(await throughput(galleryUrl, auth, 4))
  ratios.push((100 * ours.at(-1)!) / baseline.at(-1)!)
}
const median = (xs: number[]) => percentile(xs, 50)
const ratio = median(ratios)
console.log(`gallery rounds (req/s, ours / bare Node): ${ours.map((x, i) => `${x.toFixed(0)} / ${baseline[i]!.toFixed(0)}`).join(', ')}`)
report('GET /api/gallery?limit=24, 32 connections', `${median(ours).toFixed(0)} req/s vs bare Node ${median(baseline).toFixed(0)} req/s (medians of 5 alternating rounds); median round ratio ${ratio.toFixed(1)} %`, '≥ 40 % of bare Node', ratio >= 40 - NOISE.ratioPoints)
bare.child.kill()
await server.stop()

// 3 and 4, against the gateway that takes 2 s.
server = await startServer({ env: gatewayEnv(slow.info.port) })
const pid = server.process.pid!
const accounts = await Promise.all(Array.from({ length: STORM.users }, () => signUp(server)))

/** CPU seconds a process has used so far (user and system), from /proc. */
function cpuSeconds(pid: number) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
}

/** Waits until the server is idle (under 2 % of a core for a second): its thumbnails are made. */
async function settled() {
  for (let before = cpuSeconds(pid), i = 0; i < 120; i++) {
    await new Promise(resolve => setTimeout(resolve, 1000))
    const now = cpuSeconds(pid)
    if (now - before < 0.02) return
    before = now
  }
}

async function storm(label: string) {
  let running = true
  let peak = rssMb(pid)
  const watch = (async () => {
    while (running) {
      peak = Math.max(peak, rssMb(pid))
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  })()
  // Timed from a process of its own, so that this one's 500 clients never delay its timings.
  const probe = await helper<{ ready: true }>('probe.ts', [server.url, testAddress()])
  const probed = new Promise<{ at: number, ms: number }[]>((resolve) => {
    let printed = ''
    probe.child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()))
    probe.child.stdout!.on('end', () => resolve(JSON.parse(printed) as { at: number, ms: number }[]))
  })
  const cpuBefore = cpuSeconds(pid)
  const started = performance.now()
  const answers = await Promise.all(accounts.flatMap((account, u) => Array.from({ length: STORM.perUser }, (_, i) =>
    account.api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: `${label} ${u}-${i}` } }))))
  const wall = performance.now() - started
  const cpu = cpuSeconds(pid) - cpuBefore
  running = false
  await watch
  probe.child.stdin!.end('stop\n')
  const healthMs = (await probed).map(call => call.ms)
  const made = answers.filter(res => res.status === 200).length
  const loop = (await ofetch<{ eventLoopDelayMs: { p50: number, p99: number } }>(`${server.url}/api/health`, { headers: { 'x-forwarded-for': testAddress() } })).eventLoopDelayMs
  console.log(`${label}: ${(wall / 1000).toFixed(2)} s, the server used ${cpu.toFixed(1)} s of CPU; health p50 ${percentile(healthMs, 50).toFixed(0)} ms, max ${Math.max(...healthMs).toFixed(0)} ms of ${healthMs.length} calls`)
  await settled()
  return { wall, made, healthP99: percentile(healthMs, 99), loop, peak, after: rssMb(pid) }
}

/**
 * The same 500 requests against bench/bare-storm.ts, bare Node only receiving each gateway answer and
 * keeping nothing: what this machine allows any server, with the gateway and the clients on the same
 * two cores.
 */
async function bareStorm() {
  const bare = await helper<{ port: number }>('bare-storm.ts', [String(slow.info.port)])
  const url = `http://127.0.0.1:${bare.info.port}/api/generate/text-to-image`
  const cpuBefore = cpuSeconds(bare.child.pid!)
  const started = performance.now()
  const answers = await Promise.all(Array.from({ length: STORM.users * STORM.perUser }, (_, i) =>
    ofetch.raw(url, { method: 'POST', body: { prompt: `bare ${i}` }, ignoreResponseError: true })))
  const wall = performance.now() - started
  const cpu = cpuSeconds(bare.child.pid!) - cpuBefore
  bare.child.kill()
  const made = answers.filter(res => res.status === 200).length
  console.log(`bare storm: ${(wall / 1000).toFixed(2)} s, bare Node used ${cpu.toFixed(1)} s of CPU, ${made} made`)
  return { wall, made }
}

console.log(`storm server RSS before: ${rssMb(pid).toFixed(0)} MB`)
const floor = await bareStorm()
const first = await storm('storm one')
const total = STORM.users * STORM.perUser
const ofIdeal = (ms: number) => `${(ms / 1000).toFixed(2)} s = ${(ms / STORM.upstreamMs).toFixed(2)}× ideal`
report(`${total} simultaneous generations, ${STORM.upstreamMs / 1000} s gateway: wall time`, `${ofIdeal(first.wall)}, ${first.made}/${total} made (bare Node receiving the same answers: ${ofIdeal(floor.wall)}, ${floor.made}/${total})`, '≤ 2× ideal, all made', first.made === total && first.wall <= 2 * STORM.upstreamMs * (1 + NOISE.relative))
report('GET /api/health p99 during the storm', `${first.healthP99.toFixed(0)} ms`, '≤ 100 ms', first.healthP99 <= 100 * (1 + NOISE.relative))
report('event-loop delay during the storm (from /api/health)', `p50 ${first.loop.p50} ms, p99 ${first.loop.p99} ms`, 'p99 ≤ 50 ms', first.loop.p99 <= 50 * (1 + NOISE.relative))
report('peak RSS during the storm', `${first.peak.toFixed(0)} MB`, '≤ 600 MB', first.peak <= 600)
const second = await storm('storm two')
const growth = (100 * (second.after - first.after)) / first.after
report('RSS after a second storm vs after the first', `${first.after.toFixed(0)} MB → ${second.after.toFixed(0)} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} %), ${second.made}/${total} made`, 'within 10 %', Math.abs(growth) <= 10 && second.made === total)

await server.stop()
fast.child.kill()
slow.child.kill()
console.log('\n| figure | measured | goal |\n| --- | --- | --- |')
for (const r of results) console.log(`| ${r.figure} | ${r.value} | ${r.goal}${r.ok ? '' : ' **missed**'} |`)
const missed = results.filter(r => !r.ok)
if (missed.length) {
  console.error(`\n${missed.length} goal(s) missed beyond the noise.`)
  process.exit(1)
}
