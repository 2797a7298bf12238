// Who is signed in, decided before the first route: on the server from the request's session cookie
// (the user then travels in the payload), in the browser again whenever the tab comes back to view.
export default defineNuxtPlugin({
  name: 'session',
  dependsOn: ['pinia'],
  async setup() {
    const user = useUserStore()
    if (import.meta.server) {
      if (/(?:^|;\s*)auth\.token=/.test(useRequestHeaders(['cookie']).cookie ?? '')) await user.refresh()
      return
    }
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && user.user) void user.refresh()
    })
  },
})
