import { signOut } from '#server/utils/auth'

// Ends this sign-in on the server (the token stops working at once) and clears the session cookie.
export default defineEventHandler(async (event) => {
  await signOut(event)
  return { ok: true }
})
