import { count } from 'drizzle-orm'
import { useDb } from '../db'
import { users } from '../db/schema'

/** True when the database answers a read. */
export function databaseReadable(): boolean {
  try {
    useDb().select({ n: count() }).from(users).get()
    return true
  }
  catch {
    return false
  }
}
