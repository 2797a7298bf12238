import type { ServerConfig } from '../../utils/config'
import { createDemoProvider } from './demo'
import { createOpenAiProvider } from './openai'
import type { ImageProvider } from './types'

export type { ImageProvider } from './types'

/** `auto`: the real API when a key is set, else the built-in demo. */
export function providerName(config: ServerConfig): ImageProvider['name'] {
  if (config.imageProvider === 'auto') return config.imageApiKey ? 'openai' : 'demo'
  return config.imageProvider
}

let cached: { key: string, provider: ImageProvider } | undefined

export function useImageProvider(config: ServerConfig): ImageProvider {
  const name = providerName(config)
  const key = `${name}|${config.imageApiBaseUrl}|${config.imageApiKey}|${config.imageApiTimeoutMs}`
  if (cached?.key !== key) {
    cached = {
      key,
      provider: name === 'openai'
        ? createOpenAiProvider({ baseUrl: config.imageApiBaseUrl, apiKey: config.imageApiKey, timeoutMs: config.imageApiTimeoutMs })
        : createDemoProvider(),
    }
  }
  return cached.provider
}
