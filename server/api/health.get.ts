import { databaseReadable } from '../repositories/health'
import { apiError } from '../utils/errors'

export default defineEventHandler((event) => {
  const { version } = useRuntimeConfig().public
  setResponseHeader(event, 'Cache-Control', 'no-store')
  if (!databaseReadable()) {
    throw apiError('SERVICE_UNAVAILABLE', 'The database cannot be read.', { status: 'error', db: 'unavailable', version })
  }
  return { status: 'ok', db: 'ok', version }
})
