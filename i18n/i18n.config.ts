const datetime = {
  short: { year: 'numeric', month: 'short', day: 'numeric' },
  long: { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' },
} as const

export default defineI18nConfig(() => ({
  legacy: false,
  fallbackLocale: 'zh-CN',
  datetimeFormats: { 'zh-CN': datetime, 'en': datetime },
}))
