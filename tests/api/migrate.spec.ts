// Moving up (issue 11): `cli.mjs migrate --to postgres://… --s3` copies a SQLite data folder with
// 1,000 creations into PostgreSQL and an S3 bucket (the fake, which checks every signature and body),
// and the built server started on the copy pages through the gallery. The `postgres` project only.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Creation } from '../../shared/types/api'
import { imageFiles, waitForImageFile } from '../support/db'
import { s3Env, startFakeS3, type FakeS3 } from '../support/fake-s3'
import { startFakeUpstream, upstreamEnv, type FakeUpstream } from '../support/fake-upstream'
import { createDatabase, executePostgres, queryPostgres } from '../support/postgres'
import { startCluster } from '../support/cluster'
import { client, OUTPUT_DIR, SERVER_NODE, signUp, startServer, tempDir, TEST_SECRET, type TestServer } from '../support/server'

const TABLES = ['users', 'sessions', 'models', 'creations', 'generation_jobs', 'generation_inputs', 'audit_log', 'credit_ledger', 'redeem_codes', 'redeem_uses']
const CREATIONS = 1000
const ADMIN = { email: 'root@example.com', password: 'root-password-1' }

let s3: FakeS3
let upstream: FakeUpstream
let postgresServer: string
let target: string
const dataDir = tempDir('nano-banana-migrate-')
let owner: Awaited<ReturnType<typeof signUp>>

const nameOf = (url: string) => url.slice(url.lastIndexOf('/') + 1)

function source() {
  return new Database(join(dataDir, 'nano-banana.db'))
}

function sourceRows<T>(sql: string, ...params: unknown[]): T[] {
  const db = source()
  try {
    return db.prepare(sql).all(...params) as T[]
  }
  finally {
    db.close()
  }
}

/** The built command line, on the source data folder, with only these settings. */
function migrate(args: string[], env: Record<string, string> = s3Env(s3)): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    execFile(SERVER_NODE, [join(OUTPUT_DIR, 'server/cli.mjs'), 'migrate', ...args], { cwd: tempDir(), env: { PATH: process.env.PATH, NUXT_DATA_DIR: dataDir, NUXT_JWT_SECRET: TEST_SECRET, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    })
  })
}

const countsIn = (url: string) => Object.fromEntries(TABLES.map(table => [table, queryPostgres<{ n: number }>(url, `select count(*)::int as n from ${table}`, [])[0]!.n]))
const sourceCounts = () => Object.fromEntries(TABLES.map(table => [table, sourceRows<{ n: number }>(`select count(*) as n from ${table}`)[0]!.n]))

/**
 * The source: a data folder made by the built server on SQLite (accounts, an admin's grant, a redeem
 * code and its use, real generations, a failed one and its refund), then creations up to 1,000 for
 * one user inserted beside the real ones, each with picture and thumbnail files of their own.
 */
async function makeSource() {
  const server = await startServer({
    dataDir,
    env: { ...upstreamEnv(upstream), NUXT_DATABASE_URL: undefined, NUXT_ADMIN_EMAIL: ADMIN.email, NUXT_ADMIN_PASSWORD: ADMIN.password, NUXT_SIGNUP_CREDITS: '10' },
  })
  try {
    owner = await signUp(server)
    const other = await signUp(server)
    const login = await client(server).raw<{ token: string }>('/api/login', { method: 'POST', body: ADMIN })
    const admin = client(server, login._data!.token)
    expect((await admin.raw('/api/admin/add-credits', { method: 'POST', body: { email: owner.email, amount: 20, reason: 'admin_grant' } })).status).toBe(200)
    const model = { id: 'nano-banana-2-4k', label: 'Nano Banana 2 (4K)', upstreamModel: 'nano-banana-2-4k', cost: 4, mode: 'chat', maxInputImages: 14, enabled: true }
    expect((await admin.raw('/api/admin/models', { method: 'POST', body: model })).status).toBe(201)
    const codes = await admin<{ codes: { code: string }[] }>('/api/admin/codes', { method: 'POST', body: { credits: 5, count: 1 } })
    expect((await other.api.raw('/api/credits/redeem', { method: 'POST', body: { code: codes.codes[0]!.code } })).status).toBe(200)
    const made: Creation[] = []
    for (const [api, prompt] of [[owner.api, 'a lighthouse'], [owner.api, 'a kite'], [other.api, 'a fox']] as const) {
      const res = await api.raw<{ creation: Creation }>('/api/generate/text-to-image', { method: 'POST', body: { prompt } })
      expect(res.status, JSON.stringify(res._data)).toBe(200)
      made.push(res._data!.creation)
    }
    upstream.queue.push({ kind: 'status', status: 500 })
    expect((await owner.api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'refunded' } })).status).toBeGreaterThanOrEqual(500)
    for (const creation of made) await waitForImageFile(dataDir, nameOf(creation.thumbnailUrl))
  }
  finally {
    await server.stop()
  }

  const db = source()
  try {
    const real = db.prepare('select * from creations where user_id = ? order by id limit 1').get(owner.user.id) as Record<string, unknown>
    const [picture, thumbnail] = [readFileSync(join(dataDir, 'images', nameOf(String(real.image_url)))), readFileSync(join(dataDir, 'images', nameOf(String(real.thumbnail_url))))]
    const have = (db.prepare('select count(*) as n from creations where user_id = ?').get(owner.user.id) as { n: number }).n
    const insert = db.prepare(`insert into creations (user_id, prompt, image_url, thumbnail_url, model_used, size, kind, width, height, job_id, upstream_model, favorite, created_at)
      values (@user_id, @prompt, @image_url, @thumbnail_url, @model_used, @size, @kind, @width, @height, @job_id, @upstream_model, @favorite, @created_at)`)
    // A reference image (a blob), kept with the job that failed.
    const failed = db.prepare('select id from generation_jobs where status = \'failed\'').get() as { id: number }
    db.prepare('insert into generation_inputs (job_id, position, mime, data) values (?, 0, \'image/png\', ?)').run(failed.id, randomBytes(3000))
    db.transaction(() => {
      for (let i = have; i < CREATIONS; i++) {
        const id = randomBytes(16).toString('base64url').slice(0, 22)
        // Bytes of their own, so that each picture served later can only be its own.
        writeFileSync(join(dataDir, 'images', `${id}.png`), Buffer.concat([picture, Buffer.from(`#${i}`)]))
        writeFileSync(join(dataDir, 'images', `${id}_thumb.webp`), Buffer.concat([thumbnail, Buffer.from(`#${i}`)]))
        insert.run({ ...real, prompt: `picture ${i}`, image_url: `/images/${id}.png`, thumbnail_url: `/images/${id}_thumb.webp`, favorite: i % 10 === 0 ? 1 : 0, created_at: Number(real.created_at) + i })
      }
    })()
  }
  finally {
    db.close()
  }
}

beforeAll(async () => {
  postgresServer = process.env.TEST_POSTGRES_URL ?? ''
  if (!postgresServer) throw new Error('migrate.spec runs in the `postgres` project (vitest --project postgres), which starts PostgreSQL')
  ;[s3, upstream] = await Promise.all([startFakeS3(), startFakeUpstream()])
  await makeSource()
  target = await createDatabase(postgresServer)
}, 180_000)

afterAll(async () => {
  await Promise.all([s3?.close(), upstream?.close()])
  rmSync(dataDir, { recursive: true, force: true })
})

describe('migrate --to postgres://… --s3', () => {
  it('made a source of 1,000 creations for one user, every picture a file', () => {
    expect(sourceRows<{ n: number }>('select count(*) as n from creations where user_id = ?', owner.user.id)[0]!.n).toBe(CREATIONS)
    const files = new Set(imageFiles(dataDir))
    for (const row of sourceRows<{ image_url: string, thumbnail_url: string }>('select image_url, thumbnail_url from creations')) {
      expect(files.has(nameOf(row.image_url)) && files.has(nameOf(row.thumbnail_url))).toBe(true)
    }
    const counts = sourceCounts()
    for (const table of ['users', 'sessions', 'models', 'generation_jobs', 'generation_inputs', 'audit_log', 'credit_ledger', 'redeem_codes', 'redeem_uses']) expect(counts[table], table).toBeGreaterThan(0)
  })

  it('refuses while a job runs under a live lease (a server still on the folder), leaving the target empty', async () => {
    const db = source()
    const { lastInsertRowid } = db.prepare('insert into generation_jobs (user_id, kind, model, size, prompt, cost, status, provider, worker, lease_expires_at, created_at) values (?, \'text-to-image\', \'m\', \'1:1\', \'p\', 1, \'running\', \'openai\', \'instance-a\', ?, ?)')
      .run(owner.user.id, Date.now() + 60_000, Date.now())
    db.close()
    try {
      const run = await migrate(['--to', target, '--s3'])
      expect(run.code, run.stdout + run.stderr).toBe(1)
      expect(run.stderr).toMatch(/1 job is running \(#\d+, on instance instance-a\): a server is still using this data folder\. Stop it/)
      expect(countsIn(target)).toEqual(Object.fromEntries(TABLES.map(table => [table, 0])))
      expect(s3.objects.size).toBe(0)
    }
    finally {
      const again = source()
      again.prepare('delete from generation_jobs where id = ?').run(lastInsertRowid)
      again.close()
    }
  })

  it('copies every table with its ids and every picture into the bucket, and verifies', async () => {
    const run = await migrate(['--to', target, '--s3'])
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toContain(`creations: ${CREATIONS + 1} copied, 0 already there`)
    expect(run.stdout).toContain('Verified')
    expect(countsIn(target)).toEqual(sourceCounts())

    const key = (rows: Record<string, unknown>[]) => rows.map(row => JSON.stringify(row))
    expect(key(queryPostgres(target, 'select id, email, credits, role, disabled::int as disabled from users order by id', []))).toEqual(key(sourceRows('select id, email, credits, role, disabled from users order by id')))
    expect(key(queryPostgres(target, 'select id, user_id, delta, balance_after, reason, reference, actor_id from credit_ledger order by id', []))).toEqual(key(sourceRows('select id, user_id, delta, balance_after, reason, reference, actor_id from credit_ledger order by id')))
    expect(key(queryPostgres(target, 'select id, user_id, status, cost, creation_id, extract(epoch from created_at) * 1000 as created_at from generation_jobs order by id', []))).toEqual(key(sourceRows('select id, user_id, status, cost, creation_id, created_at from generation_jobs order by id')))
    expect(key(queryPostgres(target, 'select id, image_url, favorite::int as favorite from creations order by id', []))).toEqual(key(sourceRows('select id, image_url, favorite from creations order by id')))
    expect(queryPostgres(target, 'select code_id, user_id from redeem_uses', [])).toEqual(sourceRows('select code_id, user_id from redeem_uses'))
    expect(queryPostgres(target, 'select job_id, encode(data, \'hex\') as data from generation_inputs', [])).toEqual(sourceRows('select job_id, hex(data) as data from generation_inputs').map(r => ({ ...r as object, data: (r as { data: string }).data.toLowerCase() })))
    expect(queryPostgres(target, 'select sizes, details from models, audit_log where target = \'model:\' || models.id', [])).toEqual(sourceRows<{ sizes: string, details: string }>('select sizes, details from models, audit_log where target = \'model:\' || models.id').map(r => ({ sizes: JSON.parse(r.sizes), details: JSON.parse(r.details) })))
    // Balances add up in the target as they did in the source.
    expect(queryPostgres(target, 'select count(*)::int as n from users u where credits <> (select balance_after from credit_ledger where user_id = u.id order by id desc limit 1)', [])).toEqual([{ n: 0 }])

    const files = imageFiles(dataDir)
    expect(files).toHaveLength(2 * (CREATIONS + 1))
    expect([...s3.objects.keys()].sort()).toEqual([...files].sort())
    for (const name of files) expect(s3.objects.get(name)!.data.equals(readFileSync(join(dataDir, 'images', name))), name).toBe(true)
    expect(s3.objects.get(files.find(name => name.endsWith('.png'))!)!.contentType).toBe('image/png')
    expect(s3.requests.filter(r => r.method === 'PUT').every(r => r.signedPayload && r.status === 200)).toBe(true)
  })

  it('run again, adds nothing and uploads nothing', async () => {
    const counts = countsIn(target)
    const puts = s3.requests.filter(r => r.method === 'PUT').length
    const run = await migrate(['--to', target, '--s3'])
    expect(run.code, run.stdout + run.stderr).toBe(0)
    for (const table of TABLES) expect(run.stdout).toMatch(new RegExp(`^${table}: 0 copied, ${counts[table]} already there$`, 'm'))
    expect(run.stdout).toContain(`images: 0 copied into the bucket, ${2 * (CREATIONS + 1)} already there`)
    expect(countsIn(target)).toEqual(counts)
    expect(s3.requests.filter(r => r.method === 'PUT')).toHaveLength(puts)
  })

  it('serves the copy: two instances behind Nginx on PostgreSQL and S3 page through all 1,000 creations, each picture the same bytes', async () => {
    const server: TestServer = await startCluster({ database: target, bucket: s3, env: upstreamEnv(upstream) })
    try {
      // The sign-in made on SQLite still holds: its session row came along.
      const api = client(server, owner.token)
      expect(await api<{ credits: number }>('/api/users/me')).toMatchObject({ credits: sourceRows<{ credits: number }>('select credits from users where id = ?', owner.user.id)[0]!.credits })

      const seen: Creation[] = []
      let cursor: string | null = null
      do {
        const page: { items: Creation[], nextCursor: string | null } = await api('/api/gallery', { query: { limit: 100, ...(cursor ? { cursor } : {}) } })
        seen.push(...page.items)
        cursor = page.nextCursor
      } while (cursor)
      const expected = sourceRows<{ id: number, prompt: string, image_url: string, thumbnail_url: string }>('select id, prompt, image_url, thumbnail_url from creations where user_id = ? order by id desc', owner.user.id)
      expect(seen).toHaveLength(CREATIONS)
      expect(seen.map(c => [c.id, c.prompt, c.imageUrl, c.thumbnailUrl])).toEqual(expected.map(r => [r.id, r.prompt, r.image_url, r.thumbnail_url]))

      const urls = seen.flatMap(c => [c.imageUrl, c.thumbnailUrl])
      for (let i = 0; i < urls.length; i += 16) {
        await Promise.all(urls.slice(i, i + 16).map(async (url) => {
          const res = await fetch(`${server.url}${url}`)
          expect(res.status, url).toBe(200)
          expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(join(dataDir, 'images', nameOf(url)))), url).toBe(true)
        }))
      }

      // The identity sequences were moved past the copied ids: new rows take the next ones.
      const maxOf = (table: string) => sourceRows<{ n: number }>(`select max(id) as n from ${table}`)[0]!.n
      const made = await api.raw<{ creation: Creation }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'after the move' } })
      expect(made.status, JSON.stringify(made._data)).toBe(200)
      expect(made._data!.creation.id).toBe(maxOf('creations') + 1)
      expect((await signUp(server)).user.id).toBe(maxOf('users') + 1)
    }
    finally {
      await server.stop()
    }
  })
})

describe('migrate refuses', () => {
  it('a target that holds different data, changing nothing there; without --s3 the pictures stay in the folder', async () => {
    const other = await createDatabase(postgresServer)
    // A job left queued by a clean stop goes along, for the server on PostgreSQL to run.
    const db = source()
    db.prepare('insert into generation_jobs (user_id, kind, model, size, prompt, cost, status, provider, created_at) values (?, \'text-to-image\', \'m\', \'1:1\', \'p\', 1, \'queued\', \'openai\', ?)').run(owner.user.id, Date.now())
    db.close()
    const first = await migrate(['--to', other], {})
    expect(first.code, first.stdout + first.stderr).toBe(0)
    expect(first.stdout).toContain(`they stay in ${join(dataDir, 'images')}`)
    expect(first.stdout).toContain('warning: 1 unfinished job (queued, or cut short by a stop) copied as they are')
    expect(queryPostgres(other, 'select count(*)::int as n from generation_jobs where status = \'queued\'', [])).toEqual([{ n: 1 }])
    executePostgres(other, 'update users set email = ? where id = ?', ['someone-else@example.com', owner.user.id])
    const counts = countsIn(other)

    const again = await migrate(['--to', other], {})
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(`the target already holds different data: users id ${owner.user.id} differs in email (source "${owner.email}", target "someone-else@example.com")`)
    expect(countsIn(other)).toEqual(counts)
    expect(queryPostgres(other, 'select email from users where id = ?', [owner.user.id])).toEqual([{ email: 'someone-else@example.com' }])
  })

  it('a wrong URL, with a message that says what and never the password', async () => {
    const refused = await migrate(['--to', 'postgres://postgres:s3cret-word@127.0.0.1:1/nowhere'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('error: cannot use the PostgreSQL database at postgres://postgres:***@127.0.0.1:1/nowhere: connect ECONNREFUSED')
    expect(refused.stderr).not.toContain('s3cret-word')

    const missing = await migrate(['--to', `${postgresServer}/no_such_database`])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('database "no_such_database" does not exist')

    for (const args of [['--to', 'mysql://root@localhost/app'], [], ['--to']]) {
      const usage = await migrate(args)
      expect(usage.code, args.join(' ')).toBe(2)
      expect(usage.stderr).toContain('Usage:')
    }
    const noBucket = await migrate(['--to', target, '--s3'], {})
    expect(noBucket.code).toBe(2)
    expect(noBucket.stderr).toContain('--s3 copies the images into the bucket NUXT_S3_* name')
  })

  it('a copy that does not add up: exit 1, saying what', async () => {
    const [picture] = sourceRows<{ image_url: string }>('select image_url from creations order by id desc limit 1').map(row => join(dataDir, 'images', nameOf(row.image_url)))
    const db = source()
    db.prepare('update users set credits = credits + 1 where id = ?').run(owner.user.id)
    renameSync(picture!, `${picture}.away`)
    try {
      const run = await migrate(['--to', await createDatabase(postgresServer)], {})
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('error: the target does not match the source:')
      expect(run.stderr).toMatch(new RegExp(`user ${owner.user.id}: balance \\d+, but the ledger's last balance is \\d+`))
      expect(run.stderr).toContain(`1 creations' pictures are not in the image store: creation`)
      expect(run.stdout).not.toContain('Verified')
    }
    finally {
      renameSync(`${picture}.away`, picture!)
      db.prepare('update users set credits = credits - 1 where id = ?').run(owner.user.id)
      db.close()
    }
  })
})
