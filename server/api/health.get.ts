import { health } from '#server/services/health'

export default defineEventHandler(() => health(useRuntimeConfig().public.version))
