import type { Ref } from 'vue'

/** Calls `apply` with the source's value once it has stopped changing for `ms` (typing pauses). */
export function useDebounced<T>(source: Ref<T>, ms: number, apply: (value: T) => void) {
  let timer: ReturnType<typeof setTimeout> | undefined
  watch(source, (value) => {
    clearTimeout(timer)
    timer = setTimeout(() => apply(value), ms)
  })
  onBeforeUnmount(() => clearTimeout(timer))
}
