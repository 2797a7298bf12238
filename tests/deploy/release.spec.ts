import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, tempDir } from '../support/server'

// deploy/release.sh as deploy.yml runs it on the server, with two stand-ins: the restart command (systemd)
// and a health endpoint that answers for whichever release `current` points at.

let health: Server
let healthUrl: string

beforeAll(async () => {
  health = createServer((req, res) => {
    const base = decodeURIComponent(new URL(req.url ?? '/', 'http://x').searchParams.get('base') ?? '')
    let ok = false
    try {
      ok = existsSync(join(base, readlinkSync(join(base, 'current')), 'healthy'))
    }
    catch { /* no current release */ }
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ status: ok ? 'ok' : 'error' }))
  })
  await new Promise<void>(resolve => health.listen(0, '127.0.0.1', () => resolve()))
  healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}/api/health`
})
afterAll(async () => {
  await new Promise(resolve => health?.close(resolve))
})

function setup() {
  const base = tempDir('nano-banana-releases-')
  mkdirSync(join(base, 'releases'))
  let age = 0
  const release = (name: string, healthy = true) => {
    const dir = join(base, 'releases', name)
    mkdirSync(join(dir, '.output/server'), { recursive: true })
    writeFileSync(join(dir, '.output/server/index.mjs'), '')
    if (healthy) writeFileSync(join(dir, 'healthy'), '')
    // Uploaded one after the other, a minute apart.
    const when = new Date(Date.UTC(2026, 0, 1, 0, age++))
    utimesSync(dir, when, when)
    return dir
  }
  const releaseSh = (...args: string[]) => new Promise<{ status: number | null, output: string }>((resolve) => {
    const child = spawn('bash', [join(ROOT, 'deploy/release.sh'), ...args], {
      env: {
        ...process.env,
        NANO_BANANA_DIR: base,
        NANO_BANANA_HEALTH_URL: `${healthUrl}?base=${encodeURIComponent(base)}`,
        NANO_BANANA_HEALTH_TRIES: '2',
        NANO_BANANA_KEEP_RELEASES: '3',
        NANO_BANANA_RESTART: `echo restart >> '${join(base, 'restarts.log')}'`,
      },
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.on('close', status => resolve({ status, output }))
  })
  const link = (name: string) => (existsSync(join(base, name)) ? readlinkSync(join(base, name)) : null)
  const restarts = () => (existsSync(join(base, 'restarts.log')) ? readFileSync(join(base, 'restarts.log'), 'utf8').split('\n').filter(Boolean).length : 0)
  return { base, release, releaseSh, link, restarts }
}

describe('deploy/release.sh', () => {
  it('puts a healthy release in service and remembers the one before', async () => {
    const { release, releaseSh, link, restarts } = setup()
    const first = await releaseSh('activate', release('v1'))
    expect(first.status, first.output).toBe(0)
    expect(link('current')).toBe('releases/v1')
    expect(link('previous')).toBeNull()

    const second = await releaseSh('activate', release('v2'))
    expect(second.status, second.output).toBe(0)
    expect(link('current')).toBe('releases/v2')
    expect(link('previous')).toBe('releases/v1')
    expect(restarts()).toBe(2)
  })

  it('goes back to the previous release when the new one fails its health check', async () => {
    const { release, releaseSh, link, restarts } = setup()
    await releaseSh('activate', release('v1'))
    await releaseSh('activate', release('v2'))
    const broken = await releaseSh('activate', release('v3-broken', false))
    expect(broken.status).toBe(1)
    expect(broken.output).toMatch(/v3-broken failed its health check/)
    expect(broken.output).toMatch(/rolled back to v2, which is healthy/)
    expect(link('current')).toBe('releases/v2')
    expect(link('previous')).toBe('releases/v1')
    // Restarted into v3, then back into v2.
    expect(restarts()).toBe(4)
  })

  it('rolls back by hand to the previous release, and forward again', async () => {
    const { release, releaseSh, link } = setup()
    await releaseSh('activate', release('v1'))
    await releaseSh('activate', release('v2'))
    expect((await releaseSh('rollback')).status).toBe(0)
    expect([link('current'), link('previous')]).toEqual(['releases/v1', 'releases/v2'])
    expect((await releaseSh('rollback')).status).toBe(0)
    expect([link('current'), link('previous')]).toEqual(['releases/v2', 'releases/v1'])
  })

  it('keeps the newest releases, never removing the current or previous one', async () => {
    const { base, release, releaseSh, link } = setup()
    for (const name of ['v1', 'v2', 'v3', 'v4']) expect((await releaseSh('activate', release(name))).status).toBe(0)
    // Rolled back to v3, then v5 and v6 arrive: v3 is kept as the previous release although it is old.
    expect((await releaseSh('rollback')).status).toBe(0)
    release('v5-broken', false)
    expect((await releaseSh('activate', join(base, 'releases/v5-broken'))).status).toBe(1)
    expect((await releaseSh('activate', release('v6'))).status).toBe(0)
    expect([link('current'), link('previous')]).toEqual(['releases/v6', 'releases/v3'])
    expect(readdirSync(join(base, 'releases')).sort()).toEqual(['v3', 'v4', 'v5-broken', 'v6'])
  })

  it('refuses a release without a build, and wrong usage', async () => {
    const { base, releaseSh, link, restarts } = setup()
    mkdirSync(join(base, 'releases/empty'))
    const empty = await releaseSh('activate', join(base, 'releases/empty'))
    expect(empty.status).toBe(1)
    expect(empty.output).toMatch(/index\.mjs is missing/)
    expect(link('current')).toBeNull()
    expect(restarts()).toBe(0)
    expect((await releaseSh('activate')).status).toBe(2)
    expect((await releaseSh('rollback')).status).toBe(1)
  })
})

describe('deploy/backup.sh', () => {
  /** A stand-in for `node .output/server/cli.mjs backup <dir>`, which the app's CLI provides. */
  function fakeCli(dir: string, fail = false) {
    const file = join(dir, fail ? 'failing-cli.mjs' : 'cli.mjs')
    writeFileSync(file, `import { mkdirSync, writeFileSync } from 'node:fs'
const [command, target] = process.argv.slice(2)
if (command !== 'backup') process.exit(2)
mkdirSync(target + '/images', { recursive: true })
writeFileSync(target + '/nano-banana.db', 'database')
${fail ? 'process.exit(1)' : 'writeFileSync(target + \'/images/a.png\', \'picture\')'}
`)
    return file
  }

  function backup(dir: string, cli: string, ...args: string[]) {
    return new Promise<{ status: number | null, output: string }>((resolve) => {
      const child = spawn('bash', [join(ROOT, 'deploy/backup.sh'), dir, ...args], { env: { ...process.env, NANO_BANANA_CLI: cli } })
      let output = ''
      child.stdout.on('data', (d: Buffer) => (output += d.toString()))
      child.stderr.on('data', (d: Buffer) => (output += d.toString()))
      child.on('close', status => resolve({ status, output }))
    })
  }

  const BACKUP_NAME = /^\d{4}-\d{2}-\d{2}T\d{6}Z$/

  it('writes a complete backup and keeps the newest seven', async () => {
    const dir = tempDir('nano-banana-backups-')
    const old = Array.from({ length: 8 }, (_, i) => `2020-01-0${i + 1}T000000Z`)
    for (const name of old) mkdirSync(join(dir, name))
    mkdirSync(join(dir, '.partial-2020-01-09T000000Z'))
    mkdirSync(join(dir, 'kept-by-hand'))

    const res = await backup(dir, fakeCli(tempDir()), '7')
    expect(res.status, res.output).toBe(0)
    const entries = readdirSync(dir).sort()
    const fresh = entries.filter(n => BACKUP_NAME.test(n) && !old.includes(n))
    expect(fresh).toHaveLength(1)
    expect(readFileSync(join(dir, fresh[0]!, 'nano-banana.db'), 'utf8')).toBe('database')
    expect(readFileSync(join(dir, fresh[0]!, 'images/a.png'), 'utf8')).toBe('picture')
    expect(entries).toEqual([...old.slice(2), fresh[0], 'kept-by-hand'].sort())
  })

  it('keeps every earlier backup when the copy fails, and never names a half copy as a backup', async () => {
    const dir = tempDir('nano-banana-backups-')
    const old = Array.from({ length: 7 }, (_, i) => `2020-01-0${i + 1}T000000Z`)
    for (const name of old) mkdirSync(join(dir, name))
    const res = await backup(dir, fakeCli(tempDir(), true))
    expect(res.status).not.toBe(0)
    expect(readdirSync(dir).filter(n => BACKUP_NAME.test(n)).sort()).toEqual(old)
  })

  it('refuses a count to keep that is not a whole number above 0', async () => {
    const res = await backup(tempDir(), fakeCli(tempDir()), '0')
    expect(res.status).toBe(2)
    expect(res.output).toMatch(/KEEP must be a whole number/)
  })
})
