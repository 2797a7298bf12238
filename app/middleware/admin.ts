// Convenience only: every /api/admin route checks the role on the server. Someone signed in without
// the role is told so (403), not sent elsewhere without a word.
export default defineNuxtRouteMiddleware(() => {
  if (!useUserStore().isAdmin) return abortNavigation(createError({ status: 403, statusText: 'Forbidden', fatal: true }))
})
