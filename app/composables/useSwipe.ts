import type { Ref } from 'vue'

/** How far a finger must travel sideways, more than it travels up or down, to count as a swipe. */
const SWIPE_DISTANCE = 50

/**
 * A sideways swipe of one finger on the element: `left` when the finger moves to the left (the next
 * item, as on a phone's photo viewer), `right` when it moves to the right.
 */
export function useSwipe(target: Ref<HTMLElement | null | undefined>, onSwipe: (direction: 'left' | 'right') => void) {
  let start: { x: number, y: number } | null = null

  function onStart(event: TouchEvent) {
    const touch = event.touches[0]
    start = event.touches.length === 1 && touch ? { x: touch.clientX, y: touch.clientY } : null
  }
  function onEnd(event: TouchEvent) {
    const touch = event.changedTouches[0]
    if (!start || !touch) return
    const dx = touch.clientX - start.x
    const dy = touch.clientY - start.y
    start = null
    if (Math.abs(dx) >= SWIPE_DISTANCE && Math.abs(dx) > Math.abs(dy)) onSwipe(dx < 0 ? 'left' : 'right')
  }

  watch(target, (element, previous) => {
    previous?.removeEventListener('touchstart', onStart)
    previous?.removeEventListener('touchend', onEnd)
    element?.addEventListener('touchstart', onStart, { passive: true })
    element?.addEventListener('touchend', onEnd, { passive: true })
  }, { immediate: true })
  onBeforeUnmount(() => {
    target.value?.removeEventListener('touchstart', onStart)
    target.value?.removeEventListener('touchend', onEnd)
  })
}
