import { MODELS, SIZES } from '#shared/constants/catalog'
import type { ModelsResponse } from '#shared/types/api'
import { providerName } from '#server/services/providers'
import { useServerConfig } from '#server/utils/config'

export default defineEventHandler((): ModelsResponse => ({
  models: MODELS.map(({ id, label, cost, supportsImageInput }) => ({ id, label, cost, supportsImageInput })),
  sizes: [...SIZES],
  provider: providerName(useServerConfig()),
}))
