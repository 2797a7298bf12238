import { hostname } from 'node:os'
import { resolve } from 'node:path'
import { CONFIG_DEFAULTS } from '#server/config/defaults'

interface RateLimit { points: number, windowMs: number }

/** S3-compatible storage as given; a value may be empty (start-up refuses a partial setting). */
export interface S3Settings {
  endpoint: string
  bucket: string
  accessKeyId: string
  secretAccessKey: string
  region: string
  forcePathStyle: boolean
}

export interface ServerConfig {
  dataDir: string
  /** Empty: SQLite in the data folder. */
  databaseUrl: string
  jwtTtl: string
  jwtTtlMs: number
  sessionIdleMs: number
  cookieSecure: boolean
  trustProxy: string[]
  adminEmail: string
  adminPassword: string
  signupCredits: number
  imageProvider: 'auto' | 'openai' | 'demo'
  imageApiBaseUrl: string
  imageApiKey: string
  imageApiTimeoutMs: number
  generationConcurrency: number
  maxActiveJobsPerUser: number
  instanceId: string
  metricsToken: string
  /** Set when any of the NUXT_S3_* settings that choose S3 is; undefined: the local images folder. */
  s3: S3Settings | undefined
  rateLimits: {
    loginAccount: RateLimit
    loginAddress: RateLimit
    signupAddress: RateLimit
    signupAddressDaily: RateLimit
    redeem: RateLimit
    password: RateLimit
    generate: RateLimit
  }
}

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value)).trim()

function whole(value: unknown, fallback: number) {
  const n = Number(value)
  return Number.isInteger(n) && n >= 0 ? n : fallback
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `30s`, `15m`, `24h`, `7d` in milliseconds; the fallback for anything else. */
function durationMs(value: unknown, fallback: string): number {
  const match = /^(\d+)\s*([smhd])$/.exec(text(value)) ?? /^(\d+)\s*([smhd])$/.exec(fallback)!
  return Number(match[1]) * UNIT_MS[match[2]!]!
}

/** `10/15m`: ten within fifteen minutes. */
function rateLimit(value: unknown, fallback: string): RateLimit {
  const parse = (s: string) => {
    const match = /^(\d+)\s*\/\s*(\d+\s*[smhd])$/.exec(s.trim())
    return match && Number(match[1]) > 0 ? { points: Number(match[1]), windowMs: durationMs(match[2], '1m') } : null
  }
  return parse(text(value)) ?? parse(fallback)!
}

function bool(value: unknown, auto: boolean) {
  const v = text(value).toLowerCase()
  if (v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  return auto
}

function s3Settings(config: Record<string, unknown>): S3Settings | undefined {
  const settings = {
    endpoint: text(config.s3Endpoint).replace(/\/+$/, ''),
    bucket: text(config.s3Bucket),
    accessKeyId: text(config.s3AccessKeyId),
    secretAccessKey: text(config.s3SecretAccessKey),
    region: text(config.s3Region) || CONFIG_DEFAULTS.s3Region,
    forcePathStyle: bool(config.s3ForcePathStyle, CONFIG_DEFAULTS.s3ForcePathStyle),
  }
  return settings.endpoint || settings.bucket || settings.accessKeyId || settings.secretAccessKey ? settings : undefined
}

/** What is wrong with an S3 setting, for a start-up refusal; null when it is complete. */
export function s3SettingsProblem(s3: S3Settings): string | null {
  const missing = [['NUXT_S3_BUCKET', s3.bucket], ['NUXT_S3_ACCESS_KEY_ID', s3.accessKeyId], ['NUXT_S3_SECRET_ACCESS_KEY', s3.secretAccessKey]]
    .filter(([, value]) => !value).map(([name]) => name)
  if (missing.length) return `S3 storage is partly set: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing. Set every one, or unset all NUXT_S3_* settings to keep images in the data folder.`
  // Not echoed: a URL with a user name and password in it would put them in the log.
  if (s3.endpoint && !/^https?:\/\/[^/?#@\s]+$/.test(s3.endpoint)) return 'NUXT_S3_ENDPOINT must be the service\'s URL such as https://s3.example.com: http(s), a host and a port, no path, no user name or password.'
  return null
}

/** Runtime config with environment values normalised (Nuxt parses `NUXT_*` values, so numbers and strings mix). */
export function resolveServerConfig(config: Record<string, unknown>, production: boolean): ServerConfig {
  const d = CONFIG_DEFAULTS
  const provider = text(config.imageProvider) || 'auto'
  const jwtTtl = /^\d+\s*[smhd]$/.test(text(config.jwtTtl)) ? text(config.jwtTtl) : d.jwtTtl
  const dataDir = resolve(text(config.dataDir) || d.dataDir)
  return {
    dataDir,
    databaseUrl: text(config.databaseUrl),
    jwtTtl,
    jwtTtlMs: durationMs(jwtTtl, d.jwtTtl),
    sessionIdleMs: durationMs(config.sessionIdleTtl, d.sessionIdleTtl),
    cookieSecure: bool(config.cookieSecure, production),
    trustProxy: text(config.trustProxy).split(',').map(s => s.trim()).filter(Boolean),
    adminEmail: text(config.adminEmail).toLowerCase(),
    adminPassword: config.adminPassword === undefined || config.adminPassword === null ? '' : String(config.adminPassword),
    signupCredits: whole(config.signupCredits, d.signupCredits),
    imageProvider: provider === 'openai' || provider === 'demo' ? provider : 'auto',
    imageApiBaseUrl: (text(config.imageApiBaseUrl) || d.imageApiBaseUrl).replace(/\/+$/, ''),
    imageApiKey: text(config.imageApiKey),
    imageApiTimeoutMs: whole(config.imageApiTimeoutMs, d.imageApiTimeoutMs) || d.imageApiTimeoutMs,
    generationConcurrency: whole(config.generationConcurrency, d.generationConcurrency) || d.generationConcurrency,
    maxActiveJobsPerUser: whole(config.maxActiveJobsPerUser, d.maxActiveJobsPerUser) || d.maxActiveJobsPerUser,
    // The same after a restart, so the server knows the jobs it was running; and, by the port, not the
    // same for two instances on one machine and one data folder, which would take each other's running
    // jobs for abandoned ones (a restart on another port finds its old jobs once their lease ends).
    instanceId: text(config.instanceId) || `${hostname()}:${process.env.NITRO_PORT || process.env.PORT || 3000}:${dataDir}`,
    metricsToken: text(config.metricsToken),
    s3: s3Settings(config),
    rateLimits: {
      loginAccount: rateLimit(config.rateLimitLoginAccount, d.rateLimitLoginAccount),
      loginAddress: rateLimit(config.rateLimitLoginAddress, d.rateLimitLoginAddress),
      signupAddress: rateLimit(config.rateLimitSignupAddress, d.rateLimitSignupAddress),
      signupAddressDaily: rateLimit(config.rateLimitSignupAddressDaily, d.rateLimitSignupAddressDaily),
      redeem: rateLimit(config.rateLimitRedeem, d.rateLimitRedeem),
      password: rateLimit(config.rateLimitPassword, d.rateLimitPassword),
      generate: rateLimit(config.rateLimitGenerate, d.rateLimitGenerate),
    },
  }
}

/**
 * The settings a deployer gave in the environment (`NUXT_DATA_DIR` for `dataDir`, …), for code that
 * runs outside the server: the command line reads them the way Nuxt does.
 */
export function configFromEnv(env: Record<string, string | undefined> = process.env): Record<string, unknown> {
  const config: Record<string, unknown> = {}
  for (const key of Object.keys(CONFIG_DEFAULTS)) {
    const value = env[`NUXT_${key.replace(/[A-Z]/g, c => `_${c}`).toUpperCase()}`]
    if (value !== undefined) config[key] = value
  }
  return config
}

let resolved: ServerConfig | undefined

/** Sets the settings outside the server (the command line, unit tests). */
export function setServerConfig(config: ServerConfig | undefined) {
  resolved = config
}

/** The server's settings, read and checked once (not per request: Nitro's env lookup is costly). */
export function useServerConfig(): ServerConfig {
  resolved ??= resolveServerConfig(useRuntimeConfig() as unknown as Record<string, unknown>, !import.meta.dev)
  return resolved
}
