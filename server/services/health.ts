import { databaseReadable } from '#server/repositories/health'
import { AppError } from '#server/utils/errors'

/** What an uptime check sees: ok with the version, or 503 when the database cannot be read. */
export async function health(version: string) {
  if (!await databaseReadable()) {
    throw new AppError('SERVICE_UNAVAILABLE', 'The database cannot be read.', { status: 'error', db: 'unavailable', version })
  }
  return { status: 'ok' as const, db: 'ok' as const, version }
}
