import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { GENERATION_KINDS, UPSTREAM_MODES } from '../../../shared/constants/catalog'
import { CREDIT_REASONS } from '../../../shared/schemas/account'
import { API_ERROR_CODES } from '../../../shared/types/api'

type Messages = { [key: string]: string | Messages }

function load(file: string): Messages {
  return JSON.parse(readFileSync(new URL(`../../../i18n/locales/${file}`, import.meta.url), 'utf8')) as Messages
}

/** Every message key of a locale, dotted ('studio.kinds.text-to-image'). */
function keys(messages: Messages, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : keys(value, `${prefix}${key}.`)))
}

const locales = {
  'zh-CN': keys({ ...load('zh-CN.json'), ...load('zh-CN.admin.json') }),
  'en': keys({ ...load('en.json'), ...load('en.admin.json') }),
}

describe('the locales', () => {
  it('have the same keys in Chinese and English', () => {
    expect(locales.en.toSorted()).toEqual(locales['zh-CN'].toSorted())
  })

  it.each(Object.entries(locales))('%s names every credit reason, generation kind, upstream mode and API error the app looks up by its value', (_locale, present) => {
    const wanted = [
      ...CREDIT_REASONS.flatMap(reason => [`account.reasons.${reason}`, `admin.drawer.reasons.${reason}`]),
      ...GENERATION_KINDS.flatMap(kind => [`studio.kinds.${kind}`, `studio.placeholders.${kind}`]),
      ...API_ERROR_CODES.map(code => `errors.${code}`),
      ...UPSTREAM_MODES.map(mode => `admin.models.modes.${mode}`),
      'errors.NETWORK_ERROR',
    ]
    expect(wanted.filter(key => !present.includes(key))).toEqual([])
  })
})
