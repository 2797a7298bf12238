import type { AppContext } from 'vue'

// Element Plus's toast and message box, with their overlay, focus trap and styles: a chunk of their
// own that useMessages loads on the reader's first press or key, as no page needs them to show itself
// (they were a tenth of the gallery's first-load script, and one of its blocking stylesheets).
// Outside utils/'s top level, so that Nuxt does not auto-import them anywhere by accident.

export function toast(type: 'success' | 'error', message: string, appContext: AppContext | null) {
  ElMessage[type](message, appContext)
}

export function confirmBox(message: string, title: string, buttons: { confirm: string, cancel: string }, appContext: AppContext | null) {
  return ElMessageBox.confirm(message, title, { confirmButtonText: buttons.confirm, cancelButtonText: buttons.cancel, type: 'warning' }, appContext)
}
