import { modelsResponse } from '#server/services/catalog'

export default defineEventHandler(() => modelsResponse())
