import { sql } from 'drizzle-orm'
import { useDb } from '../db'
import { apiError } from '../utils/errors'

export default defineEventHandler((event) => {
  const { version } = useRuntimeConfig().public
  setResponseHeader(event, 'Cache-Control', 'no-store')
  try {
    useDb().get(sql`select count(*) from users`)
  }
  catch {
    throw apiError('SERVICE_UNAVAILABLE', 'The database cannot be read.', { status: 'error', db: 'unavailable', version })
  }
  return { status: 'ok', db: 'ok', version }
})
