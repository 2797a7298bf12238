import type { HydrationStrategy } from 'vue'

// How many parts of the page wait to hydrate when the browser is idle, and who waits for them all.
// Browser-side and per page load, like Vue's own scheduler queues: nothing here is application state.
let pending = 0
const waiting: (() => void)[] = []

function settled() {
  if (--pending === 0) for (const resolve of waiting.splice(0)) resolve()
}

/** Vue's lazy hydration: once the browser is next idle (within 2 s at the latest), in a task of its own. */
export const hydrateWhenIdle: HydrationStrategy = (hydrate) => {
  pending++
  let done = false
  const finish = () => {
    if (done) return
    done = true
    settled()
  }
  const id = requestIdleCallback(() => {
    try {
      hydrate()
    }
    finally {
      finish()
    }
  }, { timeout: 2000 })
  // Removed from the page before its turn came.
  return () => {
    cancelIdleCallback(id)
    finish()
  }
}

/** Resolves once every part waiting to hydrate when idle has hydrated. */
export function idleHydrationDone(): Promise<void> {
  return pending === 0 ? Promise.resolve() : new Promise(resolve => waiting.push(resolve))
}
