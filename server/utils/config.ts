import { resolve } from 'node:path'

export interface ServerConfig {
  dataDir: string
  jwtTtl: string
  adminEmail: string
  adminPassword: string
  signupCredits: number
  imageProvider: 'auto' | 'openai' | 'demo'
  imageApiBaseUrl: string
  imageApiKey: string
  imageApiTimeoutMs: number
}

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value)).trim()

function whole(value: unknown, fallback: number) {
  const n = Number(value)
  return Number.isInteger(n) && n >= 0 ? n : fallback
}

/** Runtime config with environment values normalised (Nuxt parses `NUXT_*` values, so numbers and strings mix). */
export function useServerConfig(): ServerConfig {
  const config = useRuntimeConfig()
  const provider = text(config.imageProvider) || 'auto'
  return {
    dataDir: resolve(text(config.dataDir) || './data'),
    jwtTtl: text(config.jwtTtl) || '7d',
    adminEmail: text(config.adminEmail).toLowerCase(),
    adminPassword: config.adminPassword === undefined || config.adminPassword === null ? '' : String(config.adminPassword),
    signupCredits: whole(config.signupCredits, 3),
    imageProvider: provider === 'openai' || provider === 'demo' ? provider : 'auto',
    imageApiBaseUrl: (text(config.imageApiBaseUrl) || 'https://api.openai-hk.com').replace(/\/+$/, ''),
    imageApiKey: text(config.imageApiKey),
    imageApiTimeoutMs: whole(config.imageApiTimeoutMs, 120_000) || 120_000,
  }
}
