import { defineStore } from 'pinia'
import type { ModelInfo, ModelsResponse } from '#shared/types/api'

/** The models, sizes and provider the server offers (`GET /api/models`), fetched once per session. */
export const useCatalogStore = defineStore('catalog', () => {
  const { api } = useApi()
  const models = ref<ModelInfo[]>([])
  const sizes = ref<string[]>([])
  const provider = ref<ModelsResponse['provider'] | null>(null)
  const loaded = ref(false)

  const isDemo = computed(() => provider.value === 'demo')

  async function load(force = false) {
    if (loaded.value && !force) return
    try {
      const res = await api<ModelsResponse>('/api/models')
      models.value = res.models
      sizes.value = res.sizes
      provider.value = res.provider
      loaded.value = true
    }
    catch {
      // The studio says so when it has no models; the header simply shows no badge.
    }
  }

  function model(id: string | undefined) {
    return models.value.find(m => m.id === id)
  }

  function clear() {
    models.value = []
    sizes.value = []
    provider.value = null
    loaded.value = false
  }

  return { models, sizes, provider, loaded, isDemo, load, model, clear }
})
