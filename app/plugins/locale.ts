// The language a visitor chose last time (cookie), else zh-CN, on the server render and in the browser alike.
export default defineNuxtPlugin({
  name: 'remembered-locale',
  dependsOn: ['i18n:plugin'],
  async setup(nuxtApp) {
    const remembered = useCookie<string>('nb_locale').value
    const i18n = nuxtApp.$i18n as ReturnType<typeof useI18n>
    if (remembered && remembered !== i18n.locale.value && i18n.availableLocales.includes(remembered as typeof i18n.locale.value)) {
      await i18n.setLocale(remembered as typeof i18n.locale.value)
    }
  },
})
