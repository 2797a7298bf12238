/**
 * A form's or a button's request, one at a time: `pending` while it runs, `error` (an ApiRequestError,
 * translated) when it failed. `run` answers whether the action succeeded.
 */
export function useApiAction() {
  const { toApiError } = useApi()
  const pending = ref(false)
  const error = ref<ApiRequestError | null>(null)

  async function run(action: () => Promise<unknown>): Promise<boolean> {
    if (pending.value) return false
    pending.value = true
    error.value = null
    try {
      await action()
      return true
    }
    catch (e) {
      error.value = toApiError(e)
      return false
    }
    finally {
      pending.value = false
    }
  }

  return { pending, error, run }
}
