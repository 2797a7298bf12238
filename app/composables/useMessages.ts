/**
 * Toasts and confirmations. They take the calling component's app context: without it they share no
 * z-index counter with the app and open under a drawer.
 */
export function useMessages() {
  const { t } = useI18n()
  const appContext = getCurrentInstance()?.appContext ?? null

  const success = (message: string) => ElMessage.success(message, appContext)
  const error = (message: string) => ElMessage.error(message, appContext)

  /** ElMessageBox rejects on cancel: that is an answer, not an error. */
  async function confirm(message: string, title: string) {
    try {
      await ElMessageBox.confirm(message, title, { confirmButtonText: t('common.confirm'), cancelButtonText: t('common.cancel'), type: 'warning' }, appContext)
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
