import { whenReady } from '#server/utils/ready'

export default defineEventHandler(async () => {
  await whenReady()
})
