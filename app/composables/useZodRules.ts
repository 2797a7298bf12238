import type { FormItemRule } from 'element-plus'
import type { z } from 'zod'

/** Element Plus form rules from the same zod schema the server validates with, with translated messages. */
export function useZodRules() {
  const { t } = useI18n()

  function message(issue: z.core.$ZodIssue): string {
    if (issue.code === 'too_small') {
      if (issue.origin === 'number') return t('validation.atLeast', { n: issue.minimum })
      return Number(issue.minimum) <= 1 ? t('validation.required') : t('validation.tooShort', { n: issue.minimum })
    }
    if (issue.code === 'too_big') return issue.origin === 'number' ? t('validation.atMost', { n: issue.maximum }) : t('validation.tooLong', { n: issue.maximum })
    if (issue.code === 'invalid_format' && issue.format === 'email') return t('validation.email')
    return t('validation.invalid')
  }

  return function rule(schema: z.ZodType, trigger: 'blur' | 'change' = 'blur'): FormItemRule {
    return {
      trigger,
      validator: (_rule, value, callback) => {
        const result = schema.safeParse(value ?? '')
        if (result.success) callback()
        else callback(new Error(message(result.error.issues[0]!)))
      },
    }
  }
}
