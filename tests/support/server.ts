import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ofetch } from 'ofetch'
import type { FakeS3 } from './fake-s3'
import { createDatabase } from './postgres'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
/**
 * The Node that runs the built server and its command line in tests, and the build it runs: the
 * test runner's own and ./.output, unless scripts/test-node24.sh names Node 24 and a build whose
 * native modules were compiled for it.
 */
export const SERVER_NODE = process.env.TEST_SERVER_NODE || process.execPath
export const OUTPUT_DIR = process.env.TEST_OUTPUT_DIR || join(ROOT, '.output')
export const TEST_SECRET = 'test-secret-that-is-long-enough-0123456789'

export interface TestServer {
  url: string
  port: number
  dataDir: string
  logs: string[]
  process: ChildProcess
  /** Stops the server (SIGTERM, then SIGKILL) and, unless keepData, removes its data folder. */
  stop: (options?: { keepData?: boolean }) => Promise<void>
  /** Ends the process abruptly, as a crash would. */
  kill: () => Promise<void>
}

export interface StartOptions {
  env?: Record<string, string | undefined>
  dataDir?: string
  entry?: string
  /** Keep the variables the test runner has (off: only what a deployer sets). */
  inheritEnv?: boolean
  /** One process, even on a run against the cluster (the `cluster` project). */
  single?: boolean
  /** This port rather than a free one. */
  port?: number
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export function tempDir(prefix = 'nano-banana-test-') {
  return mkdtempSync(join(tmpdir(), prefix))
}

// On a run against PostgreSQL (the `postgres` and `cluster` projects), the database (and on the
// cluster, the bucket) of each data folder: servers started on one folder share it, as they share
// the SQLite file otherwise.
const stores = new Map<string, { database: string, bucket?: FakeS3 }>()

/** Records that a data folder's server keeps its data in this database (and bucket). */
export function sharesDatabase(dataDir: string, database: string, bucket?: FakeS3) {
  stores.set(dataDir, { database, bucket })
}

/** The PostgreSQL database a test server's data folder stands for, on a run against PostgreSQL. */
export function postgresOf(dataDir: string): string | undefined {
  return stores.get(dataDir)?.database
}

/** The fake S3 bucket a test server's images are in, on the cluster. */
export function bucketOf(dataDir: string): FakeS3 | undefined {
  return stores.get(dataDir)?.bucket
}

async function databaseFor(dataDir: string): Promise<string | undefined> {
  const server = process.env.TEST_POSTGRES_URL
  if (!server) return undefined
  let url = postgresOf(dataDir)
  if (!url) stores.set(dataDir, { database: url = await createDatabase(server) })
  return url
}

function cleanEnv() {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('NUXT_') && k !== 'PORT' && k !== 'HOST' && k !== 'NITRO_PORT') env[k] = v
  }
  return env
}

function waitForExit(child: ChildProcess) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
  })
}

/** Runs the built server (`node .output/server/index.mjs`) on a free port with its own data folder. */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  // Loaded only then: the cluster's module needs this one (and Nginx's) loaded first.
  if (process.env.TEST_CLUSTER && !options.single) return (await import('./cluster')).startCluster(options)
  const port = options.port ?? await freePort()
  const dataDir = options.dataDir ?? tempDir()
  const env: Record<string, string> = {
    ...(options.inheritEnv === false ? { PATH: process.env.PATH ?? '' } : cleanEnv()),
    PORT: String(port),
    HOST: '127.0.0.1',
    NUXT_DATA_DIR: dataDir,
    NUXT_JWT_SECRET: TEST_SECRET,
    NUXT_IMAGE_PROVIDER: 'demo',
    // The tests speak for many clients from one machine: each says who it is in X-Forwarded-For,
    // which the app believes from the loopback address only (as it would from Nginx on the host).
    NUXT_TRUST_PROXY: '127.0.0.1',
  }
  const database = options.env?.NUXT_DATABASE_URL ? undefined : await databaseFor(dataDir)
  if (database) env.NUXT_DATABASE_URL = database
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) Reflect.deleteProperty(env, k)
    else env[k] = v
  }
  const child = spawn(SERVER_NODE, [options.entry ?? join(OUTPUT_DIR, 'server/index.mjs')], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  const logs: string[] = []
  child.stdout!.on('data', (d: Buffer) => logs.push(...d.toString().split('\n').filter(Boolean)))
  child.stderr!.on('data', (d: Buffer) => logs.push(...d.toString().split('\n').filter(Boolean)))

  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${logs.join('\n')}`)
    try {
      const res = await fetch(`${url}/api/health`)
      if (res.ok) break
    }
    catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`server did not start:\n${logs.join('\n')}`)
    await new Promise(r => setTimeout(r, 100))
  }

  return {
    url,
    port,
    dataDir,
    logs,
    process: child,
    async stop({ keepData = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await waitForExit(child)
        clearTimeout(timer)
      }
      if (!keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
    async kill() {
      child.kill('SIGKILL')
      await waitForExit(child)
    },
  }
}

/** Runs the built server expecting it to refuse to start; resolves with its exit code and output. */
export async function startExpectingExit(options: StartOptions = {}): Promise<{ code: number | null, output: string }> {
  const port = await freePort()
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', ...(options.env as Record<string, string>) }
  const child = spawn(SERVER_NODE, [options.entry ?? join(OUTPUT_DIR, 'server/index.mjs')], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
  await waitForExit(child)
  clearTimeout(timer)
  return { code: child.exitCode, output }
}

let addresses = 0

/** A client address of its own (TEST-NET and private ranges), so the app's per-address limits see many clients. */
export function testAddress() {
  addresses += 1
  return `10.${(process.pid >> 8) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`
}

/**
 * A fetch client for a test server that never throws on status, so tests assert on it. It speaks
 * from the client address `address`, or without one from a new address for every request.
 */
export function client(server: Pick<TestServer, 'url'>, token?: string, address?: string) {
  return ofetch.create({
    baseURL: server.url,
    ignoreResponseError: true,
    retry: 0,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    onRequest({ options }) {
      options.headers.set('X-Forwarded-For', address ?? testAddress())
    },
  })
}

let counter = 0
export function uniqueEmail(tag = 'user') {
  counter += 1
  return `${tag}-${process.pid}-${Date.now()}-${counter}@example.com`
}

/** Registers and signs in a new account from an address of its own; returns its token, user and a client that sends the token. */
export async function signUp(server: Pick<TestServer, 'url'>, email = uniqueEmail(), password = 'correct-horse-1') {
  const address = testAddress()
  const api = client(server, undefined, address)
  const reg = await api.raw('/api/register', { method: 'POST', body: { email, password } })
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg._data)}`)
  const login = await api.raw<{ token: string, user: { id: number, credits: number } }>('/api/login', { method: 'POST', body: { email, password } })
  if (login.status !== 200) throw new Error(`login failed: ${login.status}`)
  const { token, user } = login._data!
  return { email, password, token, user, address, api: client(server, token, address) }
}
