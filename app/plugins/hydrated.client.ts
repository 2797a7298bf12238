// Marks <html data-hydrated> once Vue has taken over the server-rendered page, async pages included;
// before that a click reaches a button without its handler. The browser tests wait for it.
export default defineNuxtPlugin((nuxtApp) => {
  nuxtApp.hooks.hookOnce('app:suspense:resolve', () => {
    document.documentElement.dataset.hydrated = 'true'
  })
})
