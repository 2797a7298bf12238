import type { ModelsResponse } from '#shared/types/api'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { createError } from 'h3'
import { describe, expect, it } from 'vitest'
import { useCatalogStore } from '~/stores/catalog'

let calls = 0
let answer: ModelsResponse | null = {
  models: [{ id: 'nano-banana', label: 'Nano Banana', cost: 1, supportsImageInput: true }, { id: 'nano-banana-hd', label: 'Nano Banana HD', cost: 2, supportsImageInput: true }],
  sizes: ['1:1', '16:9'],
  provider: 'demo',
}

registerEndpoint('/api/models', () => {
  calls++
  if (!answer) throw createError({ statusCode: 503, statusMessage: 'Service Unavailable' })
  return answer
})

describe('catalog store (Nuxt environment)', () => {
  it('loads the models once, knows demo mode and looks models up by id', async () => {
    const catalog = useCatalogStore()
    await catalog.load()
    await catalog.load()
    expect(calls).toBe(1)
    expect(catalog.isDemo).toBe(true)
    expect(catalog.model('nano-banana-hd')?.cost).toBe(2)
    expect(catalog.model('nope')).toBeUndefined()
    answer = { ...answer!, provider: 'openai' }
    await catalog.load(true)
    expect(catalog.isDemo).toBe(false)
  })

  it('keeps what it had when the server cannot answer', async () => {
    const catalog = useCatalogStore()
    answer = null
    await catalog.load(true)
    expect(catalog.models).toHaveLength(2)
  })
})
