import type { User } from '#shared/types/api'
import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { readBody, setResponseStatus } from 'h3'
import { beforeEach, describe, expect, it } from 'vitest'
import { useUserStore } from '~/stores/user'
import { apiError, user } from '../../support/nuxt'

// /api/users/me answers `me`, or 401 when the session has ended (me === null).
let me: User | null = user()
const logins: unknown[] = []

registerEndpoint('/api/users/me', (event) => {
  if (me) return me
  setResponseStatus(event, 401)
  return apiError('UNAUTHORIZED')
})
registerEndpoint('/api/login', {
  method: 'POST',
  handler: async (event) => {
    logins.push(await readBody(event))
    return { user: user({ credits: 7 }) }
  },
})

describe('user store', () => {
  beforeEach(() => {
    me = user()
    logins.length = 0
    useUserStore().forget()
  })

  it('learns the signed-in user from the server, and the balance from a generation at once', async () => {
    const store = useUserStore()
    expect(store.user).toBeNull()
    await store.refresh()
    expect(store.user?.email).toBe('reader@example.com')
    expect(store.credits).toBe(3)
    expect(store.isAdmin).toBe(false)
    store.setCredits(1)
    expect(store.credits).toBe(1)
  })

  it('signs in asking for the session cookie only, and keeps the user the answer holds', async () => {
    const store = useUserStore()
    await store.signIn({ email: 'reader@example.com', password: 'a-good-password' })
    expect(logins).toEqual([{ email: 'reader@example.com', password: 'a-good-password', cookieOnly: true }])
    expect(store.user).toEqual(user({ credits: 7 }))
  })

  it('has no user, no credits and no admin rights once the server says the session has ended', async () => {
    const store = useUserStore()
    me = user({ role: 'admin' })
    await store.refresh()
    expect(store.isAdmin).toBe(true)
    me = null
    await store.refresh()
    expect(store.user).toBeNull()
    expect(store.credits).toBe(0)
    store.setCredits(5)
    expect(store.credits).toBe(0)
    expect(store.isAdmin).toBe(false)
  })
})
