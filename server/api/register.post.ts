import { RegisterSchema } from '#shared/schemas/auth'
import { register } from '../services/accounts'
import { toUser } from '../utils/dto'

export default defineEventHandler(async (event) => {
  const input = await readValidatedBody(event, RegisterSchema.parse)
  const user = await register(input)
  setResponseStatus(event, 201)
  return { user: toUser(user) }
})
