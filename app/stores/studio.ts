import type { GenerationKind } from '#shared/constants/catalog'
import type { Creation } from '#shared/types/api'
import { defineStore } from 'pinia'

/** The studio's draft and last result, kept while the user visits the gallery or the account page. */
export const useStudioStore = defineStore('studio', () => {
  const mode = ref<GenerationKind>('text-to-image')
  const prompt = ref('')
  const modelId = ref('')
  const size = ref('1:1')
  const result = ref<Creation | null>(null)

  function reset() {
    mode.value = 'text-to-image'
    prompt.value = ''
    modelId.value = ''
    size.value = '1:1'
    result.value = null
  }

  return { mode, prompt, modelId, size, result, reset }
})
