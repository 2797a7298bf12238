// Pages need an account unless they say `auth: false`; `auth: 'guest'` pages (sign-in, sign-up) send
// someone already signed in to the studio. Convenience only: the API checks every request itself.
export default defineNuxtRouteMiddleware((to) => {
  const auth = to.meta.auth
  // No such page: the error page says so, to anyone.
  if (auth === false || !to.matched.length) return
  const signedIn = Boolean(useUserStore().user)
  if (auth === 'guest') return signedIn ? navigateTo('/studio') : undefined
  if (!signedIn) return navigateTo({ path: '/login', query: { redirect: to.fullPath } })
})
