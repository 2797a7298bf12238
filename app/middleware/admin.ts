// Convenience only: every /api/admin route checks the role on the server.
export default defineNuxtRouteMiddleware(() => {
  if (!useUserStore().isAdmin) return navigateTo('/')
})
