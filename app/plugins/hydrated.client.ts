// Marks <html data-hydrated> once Vue has taken over the server-rendered page, async pages and the parts
// that hydrate when the browser is idle (HydrateWhenIdle) included; before that a click reaches a button
// without its handler. The browser tests wait for it.
export default defineNuxtPlugin((nuxtApp) => {
  nuxtApp.hooks.hookOnce('app:suspense:resolve', async () => {
    await idleHydrationDone()
    document.documentElement.dataset.hydrated = 'true'
  })
})
