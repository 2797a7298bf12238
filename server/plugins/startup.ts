import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDatabase, setDatabase, whileLocked, withMigrationFolder } from '#server/db'
import { ensureAdmin } from '#server/services/accounts'
import { seedCatalogue } from '#server/services/catalog'
import { queueMissingThumbnails, useImages } from '#server/services/storage'
import { checkBucket } from '#server/services/storage/s3'
import { eventLoopDelay } from '#server/services/health'
import { removeOrphanImages } from '#server/services/generation'
import { startWorker, stopWorker } from '#server/services/jobs'
import { pruneSessions, setJwtSecret } from '#server/services/sessions'
import { s3SettingsProblem, useServerConfig, type ServerConfig } from '#server/utils/config'
import { flushLog, log } from '#server/utils/log'
import { setStartup } from '#server/utils/ready'

const MIN_SECRET_LENGTH = 32

function resolveJwtSecret(config: ServerConfig): string {
  const configured = String(useRuntimeConfig().jwtSecret ?? '')
  if (configured) {
    if (configured.length < MIN_SECRET_LENGTH) fail(`NUXT_JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters long.`)
    return configured
  }
  if (!import.meta.dev) {
    fail('NUXT_JWT_SECRET is not set: set it to a random string of at least 32 characters, e.g. NUXT_JWT_SECRET=$(openssl rand -base64 48)')
  }
  // Development only: one generated secret kept in the data folder, so sign-ins survive restarts.
  const file = join(config.dataDir, '.jwt-secret')
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 })
  return readFileSync(file, 'utf8').trim()
}

function fail(message: string): never {
  console.error(`[nano-banana] ${message}`)
  process.exit(1)
}

async function readMigrations() {
  const storage = useStorage('assets:migrations')
  const files: Record<string, string> = {}
  for (const key of await storage.getKeys()) {
    const value = await storage.getItem(key)
    files[key.replaceAll(':', '/')] = typeof value === 'string' ? value : JSON.stringify(value)
  }
  return files
}

export default defineNitroPlugin((nitroApp) => {
  // Measured from the start, so the first health check already has figures.
  eventLoopDelay()
  nitroApp.hooks.hook('close', () => {
    stopWorker()
    flushLog()
  })
  const config = useServerConfig()
  // Asked for the real model without a key, every generation would fail: refuse to start instead.
  if (config.imageProvider === 'openai' && !config.imageApiKey) {
    fail('NUXT_IMAGE_PROVIDER=openai needs NUXT_IMAGE_API_KEY (the gateway\'s key). Set it, or unset NUXT_IMAGE_PROVIDER to use the demo provider.')
  }
  const s3Problem = config.s3 && s3SettingsProblem(config.s3)
  if (s3Problem) fail(s3Problem)
  mkdirSync(config.s3 ? config.dataDir : join(config.dataDir, 'images'), { recursive: true })
  setJwtSecret(resolveJwtSecret(config))

  setStartup((async () => {
    // Wrong keys or a wrong bucket would fail every picture: refuse to start instead.
    if (config.s3) await checkBucket(config.s3)
    setDatabase(await withMigrationFolder(await readMigrations(), folder => openDatabase(config, folder)))
    // Another instance starting on the same database at the same moment can make a step meet a lock
    // SQLite does not wait for; each step here can run again.
    await whileLocked(() => seedCatalogue())
    const orphans = await removeOrphanImages()
    // Thumbnails a stop cut short are made again, in the background.
    void queueMissingThumbnails(useImages()).catch((error: unknown) => log.warn({ event: 'thumbnails_not_checked', reason: error instanceof Error ? error.message : String(error) }))
    if (config.adminEmail && config.adminPassword) await whileLocked(() => ensureAdmin(config.adminEmail, config.adminPassword, config.signupCredits))
    // Jobs cut short by a stop are failed and refunded; queued ones run.
    const recovered = await whileLocked(() => startWorker())
    if (recovered || orphans) log.info({ event: 'recovered', interruptedJobs: recovered, orphanFiles: orphans })
    // Ended sign-ins are refused anyway; their rows go now and every hour.
    await whileLocked(() => pruneSessions())
    setInterval(() => void pruneSessions(), 3_600_000).unref()
  })().catch((error: unknown) => {
    fail(`start-up failed: ${error instanceof Error ? error.message : String(error)}`)
  }))
})
