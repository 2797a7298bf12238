import type { ServerConfig } from '#server/utils/config'
import { createDemoProvider } from '#server/services/providers/demo'
import { createOpenAiProvider } from '#server/services/providers/openai'
import type { ImageProvider } from '#server/services/providers/types'

export type { ImageProvider } from '#server/services/providers/types'

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
