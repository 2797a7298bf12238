import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from '#server/db/schema'

export type Db = ReturnType<typeof openDatabase>

export function openDatabase(file: string) {
  mkdirSync(dirname(file), { recursive: true })
  const sqlite = new Database(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma('synchronous = NORMAL')
  return drizzle(sqlite, { schema })
}

/**
 * Drizzle's migrator reads which migrations are applied before it takes the write lock, so of two
 * instances starting together on one database the second can try one the first has just applied,
 * and fail on "table already exists". Its transaction leaves nothing behind; read again, there is
 * nothing left to do. A migration that really fails fails each time and is thrown.
 */
function migrateSafely(db: Db, migrationsFolder: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return migrate(db, { migrationsFolder })
    }
    catch (error) {
      if (attempt >= 3) throw error
    }
  }
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

/** The process-wide database, opened at start-up by the startup plugin (or by a test). */
export function useDb(): Db {
  if (!current) throw new Error('Database is not open yet')
  return current
}
