const loadElements = () => import('~/utils/lazy/elementMessages')

// Browser-side and per page load, like idleHydration's counter: whether the first press or key
// already asks for Element Plus's parts.
let warming = false

/** Loads them when the reader first presses or types anything: before the action that needs them. */
function warmOnIntent() {
  if (warming) return
  warming = true
  // Only a head start: when it fails (offline), the first use asks again.
  for (const type of ['pointerdown', 'keydown']) window.addEventListener(type, () => void loadElements().catch(() => {}), { once: true, capture: true, passive: true })
}

/**
 * Toasts and confirmations. They take the calling component's app context: without it they share no
 * z-index counter with the app and open under a drawer. Element Plus's parts for them are loaded on
 * the reader's first press or key, or at first use: a page's start does not pay for them.
 */
export function useMessages() {
  const { t } = useI18n()
  const appContext = getCurrentInstance()?.appContext ?? null
  if (import.meta.client) warmOnIntent()

  // A toast whose code cannot be loaded (the connection lost) is left out, not thrown: what it reports has happened.
  const show = (type: 'success' | 'error', message: string) => void loadElements().then(m => m.toast(type, message, appContext), () => {})
  const success = (message: string) => show('success', message)
  const error = (message: string) => show('error', message)

  /** ElMessageBox rejects on cancel: that is an answer, not an error. */
  async function confirm(message: string, title: string) {
    const { confirmBox } = await loadElements()
    try {
      await confirmBox(message, title, { confirm: t('common.confirm'), cancel: t('common.cancel') }, appContext)
      return true
    }
    catch {
      return false
    }
  }

  async function copy(text: string) {
    if (await copyText(text)) success(t('common.copied'))
    else error(t('common.copyFailed'))
  }

  return { success, error, confirm, copy }
}
