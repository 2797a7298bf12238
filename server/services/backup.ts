import { copyFile, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { DATABASE_FILE } from '#server/db'
import { IMAGE_NAME } from '#server/services/storage'
import type { ImageStore } from '#server/services/storage/types'

const MANIFEST_FILE = 'backup.json'

export interface BackupSummary {
  users: number
  creations: number
  ledgerRows: number
  images: number
  /** `backup`: the image files were copied; `bucket`: they stay in the S3 bucket and were only counted. */
  imagesIn: 'backup' | 'bucket'
  /** Pictures whose rows are in the copy but whose files were deleted before they could be copied (or are not in the bucket). */
  missingImages: string[]
}

// Every page in one step: the copy is one read transaction, so a server writing meanwhile can
// neither restart it nor make it inconsistent (WAL lets the server go on writing).
const ALL_PAGES = 0x7fffffff

function summarise(file: string, images: Set<string>, imagesIn: BackupSummary['imagesIn']): BackupSummary {
  const db = new Database(file, { fileMustExist: true })
  try {
    const check = db.pragma('integrity_check', { simple: true })
    if (check !== 'ok') throw new Error(`the copied database failed its integrity check: ${String(check)}`)
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n
    const names = (db.prepare('SELECT image_url FROM creations').pluck().all() as string[]).map(url => url.slice(url.lastIndexOf('/') + 1))
    return {
      users: count('users'),
      creations: count('creations'),
      ledgerRows: count('credit_ledger'),
      images: images.size,
      imagesIn,
      missingImages: names.filter(name => !images.has(name)),
    }
  }
  finally {
    db.close()
  }
}

async function copyImages(from: string, to: string): Promise<Set<string>> {
  await mkdir(to, { recursive: true })
  const copied = new Set<string>()
  const names = await readdir(from).catch(() => [] as string[])
  for (const name of names) {
    // Finished files only: a picture being written is still under its temporary name.
    if (!IMAGE_NAME.test(name)) continue
    try {
      await copyFile(join(from, name), join(to, name))
      copied.add(name)
    }
    catch (error) {
      // Deleted since the folder was listed: its row is gone from the live database too.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
  return copied
}

async function isEmptyOrMissing(dir: string) {
  try {
    return (await readdir(dir)).length === 0
  }
  catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true
    throw error
  }
}

/** The pictures in a bucket: listed, to check the database's rows against them. */
async function bucketImages(bucket: ImageStore) {
  return new Set((await bucket.list()).filter(name => IMAGE_NAME.test(name)))
}

/**
 * An online backup of a data folder into `target` (created; it must be new or empty): the database
 * through SQLite's backup API, consistent while the server runs, then the finished image files.
 * The database is copied first, so every picture its rows name was already on disk. With `bucket`
 * (images in S3-compatible storage) the pictures stay there: they are listed, not copied — the
 * bucket is backed up by the storage service's own means (versioning, replication).
 */
export async function backupDataFolder(dataDir: string, target: string, bucket?: ImageStore): Promise<BackupSummary> {
  const source = join(dataDir, DATABASE_FILE)
  if (!await hasDatabase(dataDir)) throw new Error(`no database at ${source}`)
  if (!await isEmptyOrMissing(target)) throw new Error(`${target} is not empty: a backup goes into a new folder`)
  await mkdir(target, { recursive: true })
  const db = new Database(source, { fileMustExist: true })
  try {
    db.pragma('busy_timeout = 5000')
    await db.backup(join(target, DATABASE_FILE), { progress: () => ALL_PAGES })
  }
  finally {
    db.close()
  }
  // One self-contained file: the copy carries the live database's WAL mode, which would add -wal files.
  const copy = new Database(join(target, DATABASE_FILE), { fileMustExist: true })
  copy.pragma('journal_mode = DELETE')
  copy.close()
  const images = bucket ? await bucketImages(bucket) : await copyImages(join(dataDir, 'images'), join(target, 'images'))
  const summary = summarise(join(target, DATABASE_FILE), images, bucket ? 'bucket' : 'backup')
  await writeFile(join(target, MANIFEST_FILE), `${JSON.stringify({ createdAt: new Date().toISOString(), ...summary }, null, 2)}\n`)
  return summary
}

/**
 * Puts a backup back into a data folder. The server must be stopped. A folder that already holds a
 * database is refused unless `replace` is set; then its database and images are replaced. With
 * `bucket` (images in S3-compatible storage) only the database is put back; the bucket is listed to
 * find the pictures it names that are not there.
 */
export async function restoreDataFolder(backup: string, dataDir: string, replace: boolean, bucket?: ImageStore): Promise<BackupSummary> {
  const copy = join(backup, DATABASE_FILE)
  if (!await hasDatabase(backup)) throw new Error(`${backup} holds no ${DATABASE_FILE}: not a backup`)
  const target = join(dataDir, DATABASE_FILE)
  if (await hasDatabase(dataDir) && !replace) throw new Error(`${dataDir} already holds a database; stop the server and add --replace to overwrite it`)
  await mkdir(dataDir, { recursive: true })
  // The old database's write-ahead log must not be replayed onto the restored file.
  for (const suffix of ['', '-wal', '-shm']) await rm(`${target}${suffix}`, { force: true })
  const db = new Database(copy, { readonly: true, fileMustExist: true })
  try {
    await db.backup(target, { progress: () => ALL_PAGES })
  }
  finally {
    db.close()
  }
  // Jobs running when the backup was taken ran on a server that is not this copy's: their leases end
  // now, so the restored server fails and refunds them at start instead of waiting for the lease.
  const restored = new Database(target, { fileMustExist: true })
  restored.prepare('UPDATE generation_jobs SET worker = NULL, lease_expires_at = 0 WHERE status = \'running\'').run()
  restored.close()
  if (bucket) return summarise(target, await bucketImages(bucket), 'bucket')
  const imagesDir = join(dataDir, 'images')
  if (replace) await rm(imagesDir, { recursive: true, force: true })
  const images = await copyImages(join(backup, 'images'), imagesDir)
  return summarise(target, images, 'backup')
}

/** Whether `dir` has a database: the command line refuses to create one unless asked to. */
export async function hasDatabase(dataDir: string) {
  return stat(join(dataDir, DATABASE_FILE)).then(info => info.isFile(), () => false)
}
