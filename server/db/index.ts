import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from '#server/db/schema'

export type Db = ReturnType<typeof openDatabase>
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

/**
 * SQLite answers "database is locked" at once, without waiting out busy_timeout, where two connections
 * would otherwise wait for each other: two instances starting on one new database, both switching it
 * to WAL or both migrating it. What failed so can simply run again.
 */
function isLocked(error: unknown): boolean {
  const code = (error as { code?: unknown, cause?: { code?: unknown } } | null)?.code ?? (error as { cause?: { code?: unknown } } | null)?.cause?.code
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY')
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

export function openDatabase(file: string) {
  mkdirSync(dirname(file), { recursive: true })
  const sqlite = new Database(file)
  retrying(() => sqlite.pragma('journal_mode = WAL'))
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma('synchronous = NORMAL')
  return drizzle(sqlite, { schema })
}

/**
 * Drizzle's migrator reads which migrations are applied before it takes the write lock, so of two
 * instances starting together on one database the second can try one the first has just applied,
 * and fail on "table already exists" (or on the lock itself). Its transaction leaves nothing behind;
 * read again, there is nothing left to do. Any other failure is thrown at once.
 */
function migrateSafely(db: Db, migrationsFolder: string) {
  retrying(() => migrate(db, { migrationsFolder }), error => isLocked(error) || saysAlreadyExists(error))
}

/** Drizzle wraps SQLite's error ("Failed to run the query …"); the reason is in its `cause`. */
function saysAlreadyExists(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (/already exists/.test(current.message)) return true
  }
  return false
}

export function migrateFromFolder(db: Db, migrationsFolder: string) {
  migrateSafely(db, migrationsFolder)
}

/**
 * Applies migrations handed over as file contents (the built server carries them as Nitro server
 * assets, so `.output` needs no `drizzle/` folder beside it). Drizzle's own migrator does the work.
 */
export function migrateFromFiles(db: Db, files: Record<string, string>) {
  const folder = mkdtempSync(join(tmpdir(), 'nano-banana-migrations-'))
  try {
    for (const [name, content] of Object.entries(files)) {
      const target = join(folder, name)
      mkdirSync(dirname(target), { recursive: true })
      writeFileSync(target, content)
    }
    migrateSafely(db, folder)
  }
  finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

const statements = new WeakMap<Db, Map<string, unknown>>()

/**
 * A query built and prepared once per database, for the ones every request runs (the session, the
 * gallery page): Drizzle would otherwise build the same SQL again on each call.
 */
export function prepared<T>(name: string, build: (db: Db) => T): T {
  const db = useDb()
  let byName = statements.get(db)
  if (!byName) statements.set(db, byName = new Map())
  if (!byName.has(name)) byName.set(name, build(db))
  return byName.get(name) as T
}

let current: Db | undefined

export function setDb(db: Db | undefined) {
  current = db
}

/**
 * A write transaction on the process-wide database. It takes the write lock as it begins (BEGIN
 * IMMEDIATE): with another instance on the same database file, a transaction that read first and
 * wrote second would otherwise fail at once ("database is locked") when the other wrote in between,
 * instead of waiting its turn.
 */
export function inTransaction<T>(work: (tx: Tx) => T): T {
  return useDb().transaction(work, { behavior: 'immediate' })
}

/** The process-wide database, opened at start-up by the startup plugin (or by a test). */
export function useDb(): Db {
  if (!current) throw new Error('Database is not open yet')
  return current
}
