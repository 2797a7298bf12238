import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { sql } from 'drizzle-orm'
import { drizzle as drizzleSqlite, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres'
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator'
import pg from 'pg'
import * as sqliteTables from '#server/db/schema'
import * as postgresTables from '#server/db/schema.postgres'
import { Semaphore } from '#server/utils/semaphore'

/**
 * The tables as the repositories see them: SQLite's definitions. PostgreSQL's (schema.postgres.ts)
 * have the same names, columns and row types, so one query written with Drizzle's builder runs on
 * either; what differs between the two is asked of `useDialect()`.
 */
export type Tables = typeof sqliteTables
export type Db = BetterSQLite3Database<Tables>
export type Dialect = 'sqlite' | 'postgres'

export interface Database {
  dialect: Dialect
  tables: Tables
  /** For reads outside a transaction. */
  db: Db
  /** Runs `work` in a write transaction: all of it or none. */
  transaction: <T>(work: (tx: Db) => Promise<T>) => Promise<T>
  /**
   * Tells every other instance on this database (PostgreSQL's NOTIFY); nothing on SQLite, whose
   * peers on one machine find out by reading again.
   */
  notify: (payload: string) => Promise<void>
  /** Hears what other instances tell (LISTEN); returns the function that stops. */
  listen: (handler: (payload: string) => void) => Promise<() => Promise<void>>
  /** PostgreSQL's connection pool, for libraries that keep their own table there (the rate limits). */
  pool?: pg.Pool
  close: () => Promise<void>
}

/**
 * SQLite answers "database is locked" at once, without waiting out busy_timeout, where two connections
 * would otherwise wait for each other: two instances starting on one new database, both switching it
 * to WAL or both migrating it. What failed so can simply run again.
 */
function isLocked(error: unknown): boolean {
  const code = (error as { code?: unknown, cause?: { code?: unknown } } | null)?.code ?? (error as { cause?: { code?: unknown } } | null)?.cause?.code
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY')
}

/** Drizzle wraps SQLite's error ("Failed to run the query …"); the reason is in its `cause`. */
function saysAlreadyExists(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (/already exists/.test(current.message)) return true
  }
  return false
}

const LOCKED_ATTEMPTS = 20
const lockedPauseMs = () => 20 + Math.random() * 80

/** `work` again, after a short pause, while it fails in a way `retryable` accepts (20 tries at most). */
function retrying<T>(work: () => T, retryable: (error: unknown) => boolean = isLocked): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return work()
    }
    catch (error) {
      if (attempt >= LOCKED_ATTEMPTS || !retryable(error)) throw error
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, lockedPauseMs())
    }
  }
}

/** An asynchronous step run again while it meets such a lock, the event loop free while it waits. */
export async function whileLocked<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step()
    }
    catch (error) {
      if (attempt >= LOCKED_ATTEMPTS || !isLocked(error)) throw error
      await new Promise(resolve => setTimeout(resolve, lockedPauseMs()))
    }
  }
}

function connectSqlite(file: string, readonly: boolean) {
  const connection = new SqliteDatabase(file, { readonly })
  if (!readonly) retrying(() => connection.pragma('journal_mode = WAL'))
  connection.pragma('foreign_keys = ON')
  connection.pragma('busy_timeout = 5000')
  connection.pragma('synchronous = NORMAL')
  return connection
}

/**
 * The SQLite file in the data folder, migrated. Two connections: every write goes through one, in a
 * transaction at a time (BEGIN IMMEDIATE takes the file's write lock as it begins, so a peer instance
 * on the same file makes it wait rather than fail); reads go through the other, read-only, and see
 * only what is committed. Drizzle's own SQLite transactions cannot span an `await`.
 *
 * Drizzle's migrator reads which migrations are applied before it takes the write lock, so of two
 * instances starting together on one database the second can try one the first has just applied,
 * and fail on "table already exists" (or on the lock itself). Its transaction leaves nothing behind;
 * read again, there is nothing left to do.
 */
export function openSqlite(file: string, migrationsFolder: string): Database {
  mkdirSync(dirname(file), { recursive: true })
  const writer = connectSqlite(file, false)
  const writeDb = drizzleSqlite(writer, { schema: sqliteTables })
  retrying(() => migrateSqlite(writeDb, { migrationsFolder }), error => isLocked(error) || saysAlreadyExists(error))
  const reader = connectSqlite(file, true)
  // Transactions queued behind each other run back to back for at most 5 ms, then let the loop turn.
  const turn = new Semaphore(1, 5)
  return {
    dialect: 'sqlite',
    tables: sqliteTables,
    db: drizzleSqlite(reader, { schema: sqliteTables }),
    transaction: work => turn.run(async () => {
      writer.exec('BEGIN IMMEDIATE')
      try {
        const result = await work(writeDb)
        writer.exec('COMMIT')
        return result
      }
      catch (error) {
        if (writer.inTransaction) writer.exec('ROLLBACK')
        throw error
      }
    }),
    notify: async () => undefined,
    listen: async () => async () => undefined,
    async close() {
      reader.close()
      writer.close()
    },
  }
}

// The one channel this app's instances talk on.
const CHANNEL = 'nano_banana'

// Any number fits: instances of this app starting together take it in turn while they migrate.
const MIGRATION_LOCK = 7_401_338

/**
 * A PostgreSQL database (NUXT_DATABASE_URL), migrated: N instances starting at once migrate one after
 * another under an advisory lock, the later ones finding nothing left to do. Transactions are
 * PostgreSQL's (READ COMMITTED); the repositories lock the rows whose reads decide a write.
 */
async function openPostgres(url: string, migrationsFolder: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize })
  const client = await pool.connect()
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK])
    await migratePostgres(drizzlePostgres(client), { migrationsFolder })
  }
  finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined)
    client.release()
  }
  const db = drizzlePostgres(pool, { schema: postgresTables })
  return {
    dialect: 'postgres',
    // The same tables and row types under PostgreSQL's column classes (see schema.postgres.ts).
    tables: postgresTables as unknown as Tables,
    db: db as unknown as Db,
    transaction: work => db.transaction(tx => work(tx as unknown as Db)),
    async notify(payload) {
      await pool.query('select pg_notify($1, $2)', [CHANNEL, payload])
    },
    async listen(handler) {
      // A connection of its own, held for as long as it listens (a pooled one would be handed on).
      const listener = new pg.Client({ connectionString: url })
      listener.on('notification', (message) => {
        if (message.payload !== undefined) handler(message.payload)
      })
      // A dropped connection is reported, not thrown: the instance keeps serving and polls instead.
      listener.on('error', () => undefined)
      await listener.connect()
      await listener.query(`listen ${CHANNEL}`)
      return () => listener.end()
    },
    pool,
    close: () => pool.end(),
  }
}

/** Writes migration files handed over as contents (the built server carries them as Nitro server assets) to a folder for the migrator. */
export async function withMigrationFolder<T>(files: Record<string, string>, use: (folder: string) => Promise<T>): Promise<T> {
  const folder = mkdtempSync(join(tmpdir(), 'nano-banana-migrations-'))
  try {
    for (const [name, content] of Object.entries(files)) {
      const target = join(folder, name)
      mkdirSync(dirname(target), { recursive: true })
      writeFileSync(target, content)
    }
    return await use(folder)
  }
  finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

export const DATABASE_FILE = 'nano-banana.db'

/**
 * The database the settings name: PostgreSQL at `databaseUrl`, else SQLite in the data folder;
 * migrated from `migrations` (SQLite's there, PostgreSQL's in its postgres/ folder).
 */
export async function openDatabase(config: { dataDir: string, databaseUrl: string }, migrations: string): Promise<Database> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl, join(migrations, 'postgres'))
  return openSqlite(join(config.dataDir, DATABASE_FILE), migrations)
}

let current: Database | undefined

export function setDatabase(database: Database | undefined) {
  current = database
}

function useDatabase(): Database {
  if (!current) throw new Error('Database is not open yet')
  return current
}

/** For reads outside a transaction. */
export function useDb(): Db {
  return useDatabase().db
}

/** The tables of the open database's dialect. */
export function useTables(): Tables {
  return useDatabase().tables
}

export function useDialect(): Dialect {
  return useDatabase().dialect
}

/** The open database's pool when it is PostgreSQL. */
export function usePostgresPool(): pg.Pool | undefined {
  return useDatabase().pool
}

/** See Database.notify and Database.listen. */
export function notifyPeers(payload: string): Promise<void> {
  return useDatabase().notify(payload)
}

export function listenToPeers(handler: (payload: string) => void): Promise<() => Promise<void>> {
  return useDatabase().listen(handler)
}

/** A write transaction on the process-wide database: all of `work` or none of it. */
export function inTransaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
  return useDatabase().transaction(work)
}

/** The first row a query answers, if any. */
export async function first<T>(query: PromiseLike<T[]>): Promise<T | undefined> {
  return (await query)[0]
}

/** What the repositories' builders are: something Drizzle can prepare, under a name on PostgreSQL. */
interface Preparable { prepare: (name: string) => { execute: (values?: Record<string, unknown>) => unknown } }
type Rows<Q extends Preparable> = Awaited<ReturnType<ReturnType<Q['prepare']>['execute']>>

const statements = new WeakMap<Db, Map<string, ReturnType<Preparable['prepare']>>>()

/**
 * A query built and prepared once per connection, for the ones every request runs (the session, the
 * gallery page, a generation's steps): Drizzle would otherwise build the same SQL again on each call.
 * Values go in as `sql.placeholder(name)`.
 */
export function prepared<Q extends Preparable>(db: Db, name: string, build: (db: Db, tables: Tables) => Q): (values?: Record<string, unknown>) => Promise<Rows<Q>> {
  let byName = statements.get(db)
  if (!byName) statements.set(db, byName = new Map())
  let statement = byName.get(name)
  if (!statement) byName.set(name, statement = build(db, useTables()).prepare(name))
  const ready = statement
  return values => Promise.resolve(ready.execute(values)) as Promise<Rows<Q>>
}

/** A placeholder where Drizzle's types want the column's value (`set()`), encoded like one. */
export function placeholder<T>(name: string): T {
  return sql.placeholder(name) as unknown as T
}

/**
 * A select that locks the rows it reads until its transaction ends, on PostgreSQL. SQLite's write
 * transactions take turns on the whole file, so there it is the select as it is.
 */
export function forUpdate<Q>(query: Q): Q {
  return useDialect() === 'postgres' ? (query as unknown as { for: (strength: 'update') => Q }).for('update') : query
}
