import { site } from '#server/services/site'

export default defineEventHandler(() => site())
