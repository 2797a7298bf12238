import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { migrateFromFolder, openDatabase, setDb } from '../../../server/db'
import { resolveServerConfig, setServerConfig } from '../../../server/utils/config'
import { ROOT, tempDir } from '../../support/server'

/** A fresh, migrated SQLite file for one test file (and the default settings); returns a cleanup function. */
export function useTempDatabase(settings: Record<string, unknown> = {}) {
  setServerConfig(resolveServerConfig(settings, false))
  const dir = tempDir('nano-banana-unit-')
  const db = openDatabase(join(dir, 'test.db'))
  migrateFromFolder(db, join(ROOT, 'drizzle'))
  setDb(db)
  return {
    db,
    close() {
      setDb(undefined)
      setServerConfig(undefined)
      db.$client.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
