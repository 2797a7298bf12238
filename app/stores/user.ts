import { defineStore } from 'pinia'

/** The signed-in user, as the session (sidebase) holds it, with the credit count kept current. */
export const useUserStore = defineStore('user', () => {
  const { status, getSession } = useAuth()
  const { data } = useAuthState()

  const user = computed(() => (status.value === 'authenticated' ? data.value : null))
  const credits = computed(() => user.value?.credits ?? 0)
  const isAdmin = computed(() => user.value?.role === 'admin')

  function setCredits(value: number) {
    if (data.value) data.value = { ...data.value, credits: value }
  }

  async function refresh() {
    await getSession({ force: true })
  }

  return { user, credits, isAdmin, setCredits, refresh }
})
