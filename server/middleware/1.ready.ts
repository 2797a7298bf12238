import { whenReady } from '../utils/ready'

export default defineEventHandler(async () => {
  await whenReady()
})
