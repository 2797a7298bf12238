import { RegisterSchema } from '#shared/schemas/auth'
import { register } from '#server/services/accounts'
import { clientAddress } from '#server/utils/client'
import { toUser } from '#server/utils/dto'
import { consumeLimit } from '#server/utils/rate-limit'

export default defineEventHandler(async (event) => {
  const input = await readValidatedBody(event, RegisterSchema.parse)
  const address = clientAddress(event)
  await consumeLimit('signupAddressDaily', address, 'Too many sign-ups from this network today.')
  await consumeLimit('signupAddress', address, 'Too many sign-ups from this network. Try again later.')
  const user = await register(input)
  setResponseStatus(event, 201)
  return { user: toUser(user) }
})
