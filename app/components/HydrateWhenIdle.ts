import { defineAsyncComponent, defineComponent } from 'vue'

// The wrapped content, rendered as it is.
const Content = defineComponent((_, { slots }) => () => slots.default?.())

/**
 * Its content is rendered by the server and shown as usual, but hydrated once the browser is idle, in a
 * task of its own after the page's (hydrateWhenIdle): for parts that need not answer in the very first
 * instants, since a phone hydrating a whole page in one task stalls for a few hundred ms. Unlike Nuxt's
 * `hydrate-on-idle` components, the content's code is not split off: it hydrates within that idle task,
 * so the page knows when it is done (app/plugins/hydrated.client.ts). The content must render on the
 * browser as the server rendered it: nothing it shows may change before it hydrates.
 */
export default defineAsyncComponent({
  loader: () => Promise.resolve(Content),
  hydrate: hydrateWhenIdle,
})
