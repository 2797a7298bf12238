import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import SqliteDatabase from 'better-sqlite3'
import { getTableColumns, getTableName, inArray, sql } from 'drizzle-orm'
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3'
import { drizzle as drizzlePostgres, type NodePgDatabase } from 'drizzle-orm/node-postgres'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import type { SQLiteTable } from 'drizzle-orm/sqlite-core'
import pg from 'pg'
import { DATABASE_FILE, openDatabase, openSqlite } from '#server/db'
import * as sqliteTables from '#server/db/schema'
import * as postgresTables from '#server/db/schema.postgres'
import { hasDatabase } from '#server/services/backup'
import { createLocalImageStore } from '#server/services/storage/local'
import { IMAGE_NAME, type ImageStore } from '#server/services/storage/types'
import { imageNameFromUrl, readAll } from '#server/services/storage'

type Row = Record<string, unknown>
type TableName = keyof typeof sqliteTables

/**
 * Every table, parents before children (a table added to the schema and not here fails the
 * type-check). `key`: the primary key's columns; `identity`: an `id` whose sequence must be moved past
 * the copied ids; `batch`: rows read at a time (the reference images of a job are blobs).
 */
const TABLES: Record<TableName, { key: string[], identity: boolean, batch: number }> = {
  users: { key: ['id'], identity: true, batch: 500 },
  sessions: { key: ['id'], identity: false, batch: 500 },
  models: { key: ['id'], identity: false, batch: 500 },
  creations: { key: ['id'], identity: true, batch: 500 },
  generationJobs: { key: ['id'], identity: true, batch: 500 },
  generationInputs: { key: ['jobId', 'position'], identity: false, batch: 8 },
  auditLog: { key: ['id'], identity: true, batch: 500 },
  creditLedger: { key: ['id'], identity: true, batch: 500 },
  redeemCodes: { key: ['id'], identity: true, batch: 500 },
  redeemUses: { key: ['id'], identity: true, batch: 500 },
}
const NAMES = Object.keys(TABLES) as TableName[]
// Shown as "differs", never with their values.
const SECRET_COLUMNS = new Set(['passwordHash', 'data'])
const IMAGE_COPIES_AT_ONCE = 4

export interface MigrateOptions {
  dataDir: string
  /** The target: postgres://… */
  url: string
  /** The SQLite migrations' folder (PostgreSQL's in its postgres/). */
  migrations: string
  /** Where the pictures must be for the target's server: with `copyImages`, the bucket the images folder is copied into. */
  images: ImageStore
  copyImages: boolean
  log: (line: string) => void
}

export interface MigrateResult {
  /** What the verification found wrong; empty when the target holds what the source holds. */
  problems: string[]
}

/** A URL without its password, to print. */
function redactUrl(url: string) {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  }
  catch {
    return 'the URL given'
  }
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return reason(error.errors[0])
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name
  return String(error)
}

/** The target, migrated to the current schema (the server's migrations, under its advisory lock), then one connection to it. */
async function openTarget(url: string, migrations: string) {
  try {
    await (await openDatabase({ dataDir: '', databaseUrl: url }, migrations)).close()
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    return client
  }
  catch (error) {
    throw new Error(`cannot use the PostgreSQL database at ${redactUrl(url)}: ${reason(error)}`, { cause: error })
  }
}

class DifferentData extends Error {}

function describeKey(name: TableName, row: Row) {
  const key = TABLES[name].key.map(column => `${column} ${String(row[column])}`).join(', ')
  // A session's id is its secret: the user it belongs to says enough.
  return name === 'sessions' ? `a session of user ${String(row.userId)}` : `${getTableName(sqliteTables[name])} ${key}`
}

function show(column: string, value: unknown) {
  if (SECRET_COLUMNS.has(column)) return '(hidden)'
  const text = value instanceof Date ? value.toISOString() : JSON.stringify(value)
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}

/** Why a row already in the target is not the source's, or undefined when it is the same. */
function difference(name: TableName, source: Row, target: Row | undefined) {
  if (!target) return `${describeKey(name, source)} could not be added: another row there already holds one of its unique values (an email, a code)`
  const column = Object.keys(source).find(c => !isDeepStrictEqual(source[c], target[c]))
  if (column === undefined) return undefined
  return `${describeKey(name, source)} differs in ${column} (source ${show(column, source[column])}, target ${show(column, target[column])})`
}

const keyOf = (name: TableName, row: Row) => JSON.stringify(TABLES[name].key.map(column => row[column]))

/**
 * Copies one table in batches by rowid (memory bounded by the batch, whatever the table's size):
 * each batch inserted with ON CONFLICT DO NOTHING, and the rows that were already there read back
 * and compared, so that a second run skips what the first copied and a target holding other data
 * is refused. Returns how many rows were added and how many were already there.
 */
async function copyTable(source: ReturnType<typeof drizzleSqlite>, target: NodePgDatabase<typeof postgresTables>, name: TableName) {
  const { key, batch } = TABLES[name]
  const from = sqliteTables[name] as SQLiteTable
  const to = postgresTables[name] as PgTable
  const columns = getTableColumns(from)
  const toColumns = getTableColumns(to) as Record<string, PgColumn>
  let after = 0
  let added = 0
  let found = 0
  for (;;) {
    const read = await source.select({ ...columns, rowid: sql<number>`rowid` }).from(from).where(sql`rowid > ${after}`).orderBy(sql`rowid`).limit(batch) as (Row & { rowid: number })[]
    if (!read.length) break
    after = read.at(-1)!.rowid
    const rows: Row[] = read.map(({ rowid: _, ...row }) => row)
    const returning = Object.fromEntries(key.map(column => [column, toColumns[column]!]))
    let inserted: Row[]
    try {
      inserted = await target.insert(to).values(rows).onConflictDoNothing().returning(returning)
    }
    catch (error) {
      throw new Error(`copying ${getTableName(from)} (${describeKey(name, rows[0]!)} to ${describeKey(name, rows.at(-1)!)}): ${reason(error)}`, { cause: error })
    }
    added += inserted.length
    const new_ = new Set(inserted.map(row => keyOf(name, row)))
    const skipped = rows.filter(row => !new_.has(keyOf(name, row)))
    if (!skipped.length) continue
    found += skipped.length
    const there = await target.select().from(to).where(inArray(toColumns[key[0]!]!, [...new Set(skipped.map(row => row[key[0]!]))])) as Row[]
    const byKey = new Map(there.map(row => [keyOf(name, row), row]))
    const problem = skipped.map(row => difference(name, row, byKey.get(keyOf(name, row)))).find(Boolean)
    if (problem) throw new DifferentData(problem)
  }
  return { added, found }
}

/** Jobs a server may still be running; running ones under a live lease mean one is. */
function checkJobs(source: SqliteDatabase.Database, log: (line: string) => void) {
  const live = source.prepare('SELECT id, worker, lease_expires_at AS lease FROM generation_jobs WHERE status = \'running\' AND lease_expires_at > ? ORDER BY id').all(Date.now()) as { id: number, worker: string | null, lease: number }[]
  if (live.length) {
    const until = new Date(Math.max(...live.map(job => job.lease))).toISOString()
    throw new Error(`${live.length} job${live.length === 1 ? ' is' : 's are'} running (${live.map(job => `#${job.id}`).join(', ')}, on instance ${live[0]!.worker ?? '?'}): a server is still using this data folder. Stop it and run migrate again (after a crash, wait until its lease ends at ${until}).`)
  }
  const { n } = source.prepare('SELECT count(*) AS n FROM generation_jobs WHERE status IN (\'queued\', \'running\')').get() as { n: number }
  if (n) log(`warning: ${n} unfinished job${n === 1 ? '' : 's'} (queued, or cut short by a stop) copied as they are: the first server on PostgreSQL runs the queued ones and fails and refunds the others`)
}

/** Every finished picture in the images folder copied into the bucket, unless there with the same size. */
async function copyImageFiles(dataDir: string, bucket: ImageStore, log: (line: string) => void) {
  const folder = createLocalImageStore(join(dataDir, 'images'))
  const files = [...(await folder.sizes())].filter(([name]) => IMAGE_NAME.test(name))
  const there = await bucket.sizes()
  const todo = files.filter(([name, size]) => there.get(name) !== size)
  let next = 0
  const worker = async () => {
    while (next < todo.length) {
      const [name] = todo[next++]!
      const file = await folder.open(name)
      // Deleted since it was listed: its row is gone too (the server was running after all).
      if (!file) continue
      await bucket.put(name, await readAll(file.stream))
    }
  }
  await Promise.all(Array.from({ length: IMAGE_COPIES_AT_ONCE }, worker))
  log(`images: ${todo.length} copied into the bucket, ${files.length - todo.length} already there`)
  return new Map(files)
}

const count = (db: SqliteDatabase.Database, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n

/** Counts, credits, balances and pictures: the target against the source as it is now. */
async function verify(source: SqliteDatabase.Database, target: pg.Client, copied: Map<TableName, number>, options: MigrateOptions, files: Map<string, number> | undefined) {
  const problems: string[] = []
  for (const name of NAMES) {
    const table = getTableName(sqliteTables[name])
    const [now, there] = [count(source, table), Number((await target.query<{ n: string }>(`select count(*) as n from ${table}`)).rows[0]!.n)]
    if (now !== copied.get(name)) problems.push(`${table}: the source has ${now} rows now, ${copied.get(name)} when it was copied: is a server still running on it? Stop it and run migrate again`)
    if (there !== copied.get(name)) problems.push(`${table}: ${there} rows in the target, ${copied.get(name)} in the source`)
  }
  const { total } = source.prepare('SELECT coalesce(sum(credits), 0) AS total FROM users').get() as { total: number }
  const targetTotal = Number((await target.query<{ total: string }>('select coalesce(sum(credits), 0) as total from users')).rows[0]!.total)
  if (total !== targetTotal) problems.push(`credits: ${targetTotal} in the target, ${total} in the source`)
  // A balance is the last balance_after of its ledger (none: zero).
  const { rows: unbalanced } = await target.query<{ id: number, credits: number, last: number | null }>(`
    select u.id, u.credits, l.balance_after as last from users u
    left join lateral (select balance_after from credit_ledger where user_id = u.id order by id desc limit 1) l on true
    where u.credits <> coalesce(l.balance_after, 0) order by u.id`)
  for (const user of unbalanced.slice(0, 10)) problems.push(`user ${user.id}: balance ${user.credits}, but the ledger's last balance is ${user.last ?? 'none'}`)
  if (unbalanced.length > 10) problems.push(`…and ${unbalanced.length - 10} more users whose balance is not their ledger's`)

  const stored = await options.images.sizes()
  const missing: string[] = []
  for (let after = 0; ;) {
    const { rows } = await target.query<{ id: number, image_url: string }>('select id, image_url from creations where id > $1 order by id limit 1000', [after])
    if (!rows.length) break
    after = rows.at(-1)!.id
    for (const row of rows) if (!stored.has(imageNameFromUrl(row.image_url))) missing.push(`creation ${row.id} (${imageNameFromUrl(row.image_url)})`)
  }
  if (missing.length) problems.push(`${missing.length} creations' pictures are not in the ${options.copyImages ? 'bucket' : 'image store'}: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`)
  const wrongSize = [...files ?? []].filter(([name, size]) => stored.get(name) !== size).map(([name]) => name)
  if (wrongSize.length) problems.push(`${wrongSize.length} image files are missing from the bucket or differ in size: ${wrongSize.slice(0, 5).join(', ')}`)
  return problems
}

/**
 * `migrate --to postgres://…`: the data folder's SQLite database copied into PostgreSQL with its
 * ids, and with `copyImages` its pictures into the bucket; then verified.
 *
 * The source is read in one read transaction, so the copy is one consistent moment of it. The target
 * is written in one transaction for every table and the pictures: a run that fails (different data
 * found, the bucket out of reach) leaves the target as it was, and a server started on the target
 * never sees rows whose pictures are not there yet. PostgreSQL holds any number of rows in one
 * transaction; what this process holds is one batch.
 */
export async function migrateToPostgres(options: MigrateOptions): Promise<MigrateResult> {
  const { dataDir, url, migrations, log } = options
  const file = join(dataDir, DATABASE_FILE)
  if (!await hasDatabase(dataDir)) throw new Error(`no database at ${file}: check NUXT_DATA_DIR (or .env / --env)`)
  // A data folder of an older version is brought to the schema the target gets, as its server would.
  await openSqlite(file, migrations).close()
  const target = await openTarget(url, migrations)
  const source = new SqliteDatabase(file, { readonly: true, fileMustExist: true })
  try {
    source.pragma('busy_timeout = 5000')
    const present = source.prepare('SELECT name FROM sqlite_master WHERE type = \'table\' AND name NOT LIKE \'sqlite_%\' AND name NOT LIKE \'__drizzle%\'').pluck().all() as string[]
    const unknown = present.filter(table => !NAMES.some(name => getTableName(sqliteTables[name]) === table))
    if (unknown.length) throw new Error(`the source has tables this version does not know how to copy: ${unknown.join(', ')}`)

    source.exec('BEGIN')
    checkJobs(source, log)
    const copied = new Map<TableName, number>()
    const reader = drizzleSqlite(source)
    let files: Map<string, number> | undefined
    await drizzlePostgres(target, { schema: postgresTables }).transaction(async (tx) => {
      for (const name of NAMES) {
        const { added, found } = await copyTable(reader, tx, name)
        copied.set(name, added + found)
        if (TABLES[name].identity) {
          const table = getTableName(postgresTables[name])
          await tx.execute(sql.raw(`select setval(pg_get_serial_sequence('${table}', 'id'), max(id)) from ${table}`))
        }
        log(`${getTableName(sqliteTables[name])}: ${added} copied, ${found} already there`)
      }
      if (options.copyImages) files = await copyImageFiles(dataDir, options.images, log)
    }).catch((error: unknown) => {
      if (error instanceof DifferentData) throw new Error(`the target already holds different data: ${error.message}. Migrate into a new, empty database (or one an earlier migrate of this data folder filled, with no server run on it since).`)
      throw error
    })
    source.exec('COMMIT')
    const problems = await verify(source, target, copied, options, files)
    return { problems }
  }
  finally {
    source.close()
    await target.end()
  }
}
