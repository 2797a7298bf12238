// The language a visitor chose last time (cookie), else zh-CN, on the server render and in the browser alike.
export default defineNuxtPlugin({
  name: 'remembered-locale',
  dependsOn: ['i18n:plugin'],
  async setup() {
    const remembered = useCookie<string>('nb_locale').value
    const i18n = useNuxtApp().$i18n
    const chosen = i18n.availableLocales.find(code => code === remembered)
    if (chosen && chosen !== i18n.locale.value) await i18n.setLocale(chosen)
  },
})
