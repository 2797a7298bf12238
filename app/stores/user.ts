import { defineStore } from 'pinia'
import type { LoginInput } from '#shared/schemas/auth'
import type { User } from '#shared/types/api'

/**
 * The signed-in user. The session itself is an HttpOnly cookie the server sets and clears: page
 * scripts never hold the token, only the account it opens (rendered on the server, then kept current).
 */
export const useUserStore = defineStore('user', () => {
  const { api } = useApi()
  const user = ref<User | null>(null)

  const credits = computed(() => user.value?.credits ?? 0)
  const isAdmin = computed(() => user.value?.role === 'admin')

  function setCredits(value: number) {
    if (user.value) user.value = { ...user.value, credits: value }
  }

  /** Asks the server who is signed in; nobody when the session has ended. */
  async function refresh() {
    try {
      user.value = await api<User>('/api/users/me')
    }
    catch (error) {
      if (error instanceof ApiRequestError && error.status === 401) user.value = null
    }
  }

  async function signIn(credentials: Pick<LoginInput, 'email' | 'password'>) {
    const res = await api<{ user: User }>('/api/login', { method: 'POST', body: { ...credentials, cookieOnly: true } })
    user.value = res.user
  }

  async function signOut() {
    try {
      await api('/api/logout', { method: 'POST' })
    }
    finally {
      user.value = null
    }
  }

  /** The session ended on the server (logout elsewhere, idle limit): forget the user. */
  function forget() {
    user.value = null
  }

  return { user, credits, isAdmin, setCredits, refresh, signIn, signOut, forget }
})
