// Backups (issue 10): an online copy of a running server with generations in flight, restored into
// a new data folder, holds every user, balance, ledger row and image of the moment it was taken.
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Creation, JobAccepted } from '../../shared/types/api'
import { query } from '../support/db'
import { withUpstreamServer } from '../support/fixtures'
import type { FakeUpstream } from '../support/fake-upstream'
import { OUTPUT_DIR, SERVER_NODE, signUp, startServer, tempDir, type TestServer } from '../support/server'

let upstream: FakeUpstream
let server: TestServer

withUpstreamServer({ timeoutMs: 20_000 }, (started) => {
  ;({ upstream, server } = started)
})

const work = tempDir('nano-banana-backup-')
afterAll(() => rmSync(work, { recursive: true, force: true }))

function cli(dataDir: string, ...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    execFile(SERVER_NODE, [join(OUTPUT_DIR, 'server/cli.mjs'), ...args], { cwd: work, env: { PATH: process.env.PATH, NUXT_DATA_DIR: dataDir } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    })
  })
}

interface UserRow { id: number, email: string, credits: number }
interface LedgerRow { id: number, user_id: number, delta: number, balance_after: number, reason: string, reference: string | null }

const users = (dataDir: string) => query<UserRow>(dataDir, 'select id, email, credits from users order by id')
const ledger = (dataDir: string) => query<LedgerRow>(dataDir, 'select id, user_id, delta, balance_after, reason, reference from credit_ledger order by id')
const imageFiles = (dataDir: string) => new Set(readdirSync(join(dataDir, 'images')))

describe('backup and restore with the command line', () => {
  it('copies a running server with generations in flight; the copy restores into a new folder with every user, balance, ledger row and picture', async () => {
    const people = await Promise.all([signUp(server), signUp(server), signUp(server)])
    // Finished pictures before the backup…
    for (const person of people) {
      expect((await person.api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: `before ${person.email}` } })).status).toBe(200)
    }
    // …and slow ones still being made while it is taken.
    upstream.fallback = { kind: 'delay', ms: 4000, then: { kind: 'b64' } }
    const inFlight = await Promise.all(people.map(person => person.api.raw<JobAccepted>('/api/generate/text-to-image', { method: 'POST', headers: { Prefer: 'respond-async' }, body: { prompt: `during ${person.email}` } })))
    expect(inFlight.map(res => res.status)).toEqual([202, 202, 202])

    const target = join(work, 'nightly')
    const backup = await cli(server.dataDir, 'backup', target)
    expect(backup, backup.stderr).toMatchObject({ code: 0 })
    expect(backup.stdout).toMatch(/\d+ users, \d+ creations, \d+ ledger rows, \d+ image files/)
    // The jobs were still running: the copy holds their reservations, not their pictures.
    const runningInCopy = query<{ status: string }>(target, 'select status from generation_jobs where prompt like \'during %\'')
    expect(runningInCopy.map(job => job.status).every(status => status === 'queued' || status === 'running')).toBe(true)
    expect(existsSync(join(target, 'nano-banana.db-wal'))).toBe(false)

    // A second backup into the same folder is refused: nothing is overwritten.
    const again = await cli(server.dataDir, 'backup', target)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('not empty')

    const restoredDir = join(work, 'restored')
    const restore = await cli(restoredDir, 'restore', target)
    expect(restore, restore.stderr).toMatchObject({ code: 0 })

    // Every user and balance of the copy; every ledger row of the copy is the live server's row;
    // each balance is its ledger's sum, reservations of the jobs in flight included.
    const copiedUsers = users(restoredDir)
    for (const person of people) expect(copiedUsers.map(u => u.email)).toContain(person.email)
    const copiedLedger = ledger(restoredDir)
    const live = new Map(ledger(server.dataDir).map(row => [row.id, row]))
    for (const row of copiedLedger) expect(live.get(row.id)).toEqual(row)
    for (const user of copiedUsers) {
      expect(copiedLedger.filter(row => row.user_id === user.id).reduce((sum, row) => sum + row.delta, 0)).toBe(user.credits)
    }
    // Every picture the copy names is there, with its thumbnail.
    const files = imageFiles(restoredDir)
    const pictures = query<{ image_url: string }>(restoredDir, 'select image_url from creations')
    expect(pictures.length).toBeGreaterThanOrEqual(3)
    for (const { image_url } of pictures) expect(files.has(image_url.slice('/images/'.length))).toBe(true)

    // A restore onto a folder that has a database needs --replace.
    const refused = await cli(restoredDir, 'restore', target)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('--replace')

    // The restored folder runs: people sign in and see their pictures; the jobs cut short by the
    // backup are failed and refunded at once (their server is not this one).
    const restored = await startServer({ dataDir: restoredDir, env: { NUXT_IMAGE_PROVIDER: 'demo' } })
    try {
      for (const person of people) {
        const login = await fetch(`${restored.url}/api/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': person.address },
          body: JSON.stringify({ email: person.email, password: person.password }),
        })
        expect(login.status).toBe(200)
        const { token } = await login.json() as { token: string }
        const gallery = await (await fetch(`${restored.url}/api/gallery`, { headers: { 'Authorization': `Bearer ${token}`, 'X-Forwarded-For': person.address } })).json() as { items: Creation[] }
        expect(gallery.items.map(c => c.prompt)).toContain(`before ${person.email}`)
        const image = await fetch(`${restored.url}${gallery.items[0]!.imageUrl}`, { headers: { 'Authorization': `Bearer ${token}`, 'X-Forwarded-For': person.address } })
        expect(image.status).toBe(200)
      }
      const cutShort = query<{ status: string, user_id: number }>(restoredDir, 'select status, user_id from generation_jobs where prompt like \'during %\'')
      expect(cutShort.every(job => job.status === 'failed')).toBe(true)
      const refunds = query<{ n: number }>(restoredDir, 'select count(*) as n from credit_ledger where reason = \'refund\'')[0]!.n
      expect(refunds).toBe(cutShort.length)
    }
    finally {
      await restored.stop()
    }
  }, 60_000)
})
