import { count } from 'drizzle-orm'
import { useDb, useTables } from '#server/db'

/** True when the database answers a read. */
export async function databaseReadable(): Promise<boolean> {
  try {
    await useDb().select({ n: count() }).from(useTables().users)
    return true
  }
  catch {
    return false
  }
}
