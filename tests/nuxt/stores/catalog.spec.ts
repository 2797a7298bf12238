import type { ModelsResponse } from '#shared/types/api'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { createError } from 'h3'
import { describe, expect, it } from 'vitest'
import { useCatalogStore } from '~/stores/catalog'

let calls = 0
let answer: ModelsResponse | null = {
  models: [{ id: 'nano-banana', label: 'Nano Banana', cost: 1, supportsImageInput: true, maxInputImages: 3, sizes: ['1:1', '16:9'] }, { id: 'nano-banana-hd', label: 'Nano Banana HD', cost: 2, supportsImageInput: true, maxInputImages: 3, sizes: ['1:1', '16:9'] }],
  sizes: ['1:1', '16:9'],
  provider: 'demo',
}

registerEndpoint('/api/models', () => {
  calls++
  if (!answer) throw createError({ statusCode: 503, statusMessage: 'Service Unavailable' })
  return answer
})

describe('catalog store', () => {
  it('loads the models once, knows demo mode and looks models up by id', async () => {
    const catalog = useCatalogStore()
    expect(catalog.isDemo).toBe(false)
    await catalog.load()
    await catalog.load()
    expect(calls).toBe(1)
    expect(catalog.isDemo).toBe(true)
    expect(catalog.model('nano-banana-hd')?.cost).toBe(2)
    expect(catalog.model('nope')).toBeUndefined()
    expect(catalog.sizes).toEqual(['1:1', '16:9'])
    answer = { ...answer!, provider: 'openai' }
    await catalog.load(true)
    expect(calls).toBe(2)
    expect(catalog.isDemo).toBe(false)
  })

  it('keeps what it had when the server cannot answer', async () => {
    const catalog = useCatalogStore()
    answer = null
    await catalog.load(true)
    expect(catalog.models).toHaveLength(2)
    expect(catalog.loaded).toBe(true)
  })

  it('forgets everything on clear (sign-out), so the next load asks again', () => {
    const catalog = useCatalogStore()
    catalog.clear()
    expect(catalog.loaded).toBe(false)
    expect(catalog.models).toEqual([])
    expect(catalog.provider).toBeNull()
  })
})
