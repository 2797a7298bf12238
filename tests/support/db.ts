import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { openDatabase, openSqlite, setDatabase, type Db, type Tables } from '../../server/db'
import { resolveServerConfig, setServerConfig } from '../../server/utils/config'
import { executePostgres, queryPostgres } from './postgres'
import { bucketOf, postgresOf, ROOT, tempDir } from './server'

/** A fresh, migrated SQLite file for one unit-test file (and the default settings); returns a cleanup function. */
export function useTempDatabase(settings: Record<string, unknown> = {}) {
  setServerConfig(resolveServerConfig(settings, false))
  const dir = tempDir('nano-banana-unit-')
  const database = openSqlite(join(dir, 'test.db'), join(ROOT, 'drizzle'))
  setDatabase(database)
  // The test's own connection, to look at (or break) what the code wrote.
  const client = new Database(join(dir, 'test.db'))
  return {
    client,
    async close() {
      setDatabase(undefined)
      setServerConfig(undefined)
      client.close()
      await database.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface ServerDatabase {
  /** Writes in a transaction, with the tables of the server's dialect. */
  write: <T>(work: (tx: Db, tables: Tables) => Promise<T>) => Promise<T>
  close: () => Promise<void>
}

/** The database of a running test server (its SQLite file or its PostgreSQL database), to write rows into. */
export async function openServerDatabase(dataDir: string): Promise<ServerDatabase> {
  const database = await openDatabase({ dataDir, databaseUrl: postgresOf(dataDir) ?? '' }, join(ROOT, 'drizzle'))
  return {
    write: work => database.transaction(tx => work(tx, database.tables)),
    close: () => database.close(),
  }
}

/** Reads the server's real database (its SQLite file read-only, or its PostgreSQL database) to check what was written. */
export function query<T>(dataDir: string, sql: string, ...params: unknown[]): T[] {
  const postgres = postgresOf(dataDir)
  if (postgres) return queryPostgres<T>(postgres, sql, params)
  const db = new Database(join(dataDir, 'nano-banana.db'), { readonly: true, fileMustExist: true })
  try {
    return db.prepare(sql).all(...params) as T[]
  }
  finally {
    db.close()
  }
}

/**
 * Writes to the server's real database behind its back (rows a test needs that the API would take
 * long to make). `?` stands for each parameter; a Date goes in as each database keeps it.
 */
export function execute(dataDir: string, sql: string, ...params: unknown[]) {
  const postgres = postgresOf(dataDir)
  if (postgres) return executePostgres(postgres, sql, params)
  const db = new Database(join(dataDir, 'nano-banana.db'), { fileMustExist: true })
  try {
    db.pragma('foreign_keys = ON')
    db.prepare(sql).run(...params.map(value => value instanceof Date ? value.getTime() : value))
  }
  finally {
    db.close()
  }
}

export interface LedgerEntry { delta: number, balance_after: number, reason: string, reference: string | null }

export function ledgerOf(dataDir: string, userId: number) {
  return query<LedgerEntry>(dataDir, 'select delta, balance_after, reason, reference from credit_ledger where user_id = ? order by id', userId)
}

export function jobsOf(dataDir: string, userId: number) {
  return query<{ id: number, status: string, error_code: string | null, cost: number, creation_id: number | null }>(dataDir, 'select id, status, error_code, cost, creation_id from generation_jobs where user_id = ? order by id', userId)
}

/** Image files in the store (temporary files included). */
/**
 * Files in the image folder that were not in `before`, leaving out the thumbnails of pictures that
 * were (or are being written): those are made in the background after their picture's answer, so one
 * may land at any time.
 */
export function imageFilesAddedSince(dataDir: string, before: string[]) {
  const had = new Set(before)
  const stem = (name: string) => name.replace(/\.[^.]+$/, '')
  const hadStems = new Set(before.map(stem))
  // A file being written is `.<name>.<random>.tmp` until it is renamed.
  const finalName = (name: string) => /^\.(.+)\.[0-9a-f]+\.tmp$/.exec(name)?.[1] ?? name
  return imageFiles(dataDir).map(finalName).filter(name => !had.has(name) && !(name.endsWith('_thumb.webp') && hadStems.has(name.slice(0, -'_thumb.webp'.length))))
}

/** The names in the image store: the data folder's images/, or on the cluster the bucket's keys. */
export function imageFiles(dataDir: string) {
  const bucket = bucketOf(dataDir)
  if (bucket) return [...bucket.objects.keys()]
  try {
    return readdirSync(join(dataDir, 'images'))
  }
  catch {
    return []
  }
}

/** Removes a file from the image store, as if it had never been made. */
export function removeImageFile(dataDir: string, name: string) {
  const bucket = bucketOf(dataDir)
  if (bucket) bucket.objects.delete(name)
  else rmSync(join(dataDir, 'images', name))
}

/** Waits until a file is in the image store (thumbnails are made just after the answer). */
export async function waitForImageFile(dataDir: string, name: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  while (!imageFiles(dataDir).includes(name)) {
    if (Date.now() > deadline) throw new Error(`${name} never appeared in the image store`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}
