import type { FormRules } from 'element-plus'
import type { MaybeRefOrGetter } from 'vue'

/** One input of a ValidatedForm, bound to `values[prop]` and labelled for screen readers by `id`. */
export interface FormField {
  prop: string
  id: string
  label: string
  type?: 'text' | 'email' | 'password' | 'number'
  autocomplete?: string
  placeholder?: string
  /** What the field takes, shown under it before anything is typed (and read with it). */
  hint?: string
  maxlength?: number
  /** A number field's bounds, read from a shared schema (boundsOf). */
  min?: number
  max?: number
  testid?: string
}

interface ApiFormOptions {
  /** The words for a field the server refused, when the form knows better than "not valid". */
  fieldMessage?: (field: string, error: ApiRequestError) => string | undefined
}

/**
 * An el-form's values and rules together with its request, for ValidatedForm: the form checks the
 * rules, then its owner sends with `run`, which keeps `pending` and `error` as useApiAction does.
 * A refusal the server gives for named fields (400 with `details.fields`) shows under those fields
 * (`fieldErrors`); `message` is the error for the form as a whole, when it is not one of those.
 */
export function useApiForm<Values extends Record<string, unknown>>(initial: Values, rules: MaybeRefOrGetter<FormRules> = {}, options: ApiFormOptions = {}) {
  const { t } = useI18n()
  const values = reactive({ ...initial })
  const { pending, error, run } = useApiAction()

  const fieldErrors = computed((): Record<string, string> => {
    const refusal = error.value
    const fields = refusal?.code === 'VALIDATION_ERROR' ? refusal.details?.fields : undefined
    if (!refusal || typeof fields !== 'object' || fields === null) return {}
    const fallback = refusal.details?.reason === 'COMMON_PASSWORD' ? t('validation.commonPassword') : t('validation.invalid')
    return Object.fromEntries(Object.keys(fields).filter(field => field in values)
      .map(field => [field, options.fieldMessage?.(field, refusal) ?? fallback]))
  })

  return reactive({
    values,
    rules: computed(() => toValue(rules)),
    pending,
    error,
    fieldErrors,
    message: computed(() => (Object.keys(fieldErrors.value).length ? null : error.value?.message ?? null)),
    run,
    set: (prop: string, value: unknown) => Object.assign(values, { [prop]: value }),
    reset: () => Object.assign(values, initial),
  })
}

export type ApiForm = ReturnType<typeof useApiForm>
