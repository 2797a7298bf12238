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
  maxlength?: number
  /** A number field's bounds, read from a shared schema (boundsOf). */
  min?: number
  max?: number
  testid?: string
}

/**
 * An el-form's values and rules together with its request, for ValidatedForm: the form checks the
 * rules, then its owner sends with `run`, which keeps `pending` and `error` as useApiAction does.
 */
export function useApiForm<Values extends Record<string, unknown>>(initial: Values, rules: MaybeRefOrGetter<FormRules> = {}) {
  const values = reactive({ ...initial })
  const { pending, error, run } = useApiAction()
  return reactive({
    values,
    rules: computed(() => toValue(rules)),
    pending,
    error,
    run,
    set: (prop: string, value: unknown) => Object.assign(values, { [prop]: value }),
    reset: () => Object.assign(values, initial),
  })
}

export type ApiForm = ReturnType<typeof useApiForm>
