import { count } from 'drizzle-orm'
import { useDb } from '#server/db'
import { users } from '#server/db/schema'

/** True when the database answers a read. */
export async function databaseReadable(): Promise<boolean> {
  try {
    useDb().select({ n: count() }).from(users).get()
    return true
  }
  catch {
    return false
  }
}
