const LOCALES = ['zh-CN', 'en'] as const
type AppLocale = (typeof LOCALES)[number]

function isAppLocale(value: unknown): value is AppLocale {
  return LOCALES.some(code => code === value)
}

/**
 * The language a page is rendered in: the one the visitor chose (the nb_locale cookie), else their
 * browser's first preference from Accept-Language — any Chinese gives zh-CN, any other language
 * English — else, with no preference stated (no header, or `*`), zh-CN.
 */
export function pickLocale(remembered: string | null | undefined, acceptLanguage: string | null | undefined): AppLocale {
  if (isAppLocale(remembered)) return remembered
  const preferred = (acceptLanguage ?? '').split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = Number(params.map(p => p.trim()).find(p => p.startsWith('q='))?.slice(2) ?? 1)
      return { tag: tag.trim().toLowerCase(), q: Number.isFinite(q) ? q : 0, index }
    })
    .filter(entry => entry.tag && entry.tag !== '*' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)[0]
  if (!preferred) return 'zh-CN'
  return preferred.tag === 'zh' || preferred.tag.startsWith('zh-') ? 'zh-CN' : 'en'
}
