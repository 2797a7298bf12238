// The page's language: the visitor's choice (nb_locale cookie), else the browser's (Accept-Language).
// Decided once, during the server render, and carried to the browser in the payload, so both render alike.
export default defineNuxtPlugin({
  name: 'remembered-locale',
  dependsOn: ['i18n:plugin'],
  async setup() {
    const i18n = useNuxtApp().$i18n
    const first = useState('first-locale', () => pickLocale(useCookie<string>('nb_locale').value, useRequestHeaders(['accept-language'])['accept-language']))
    if (first.value !== i18n.locale.value) await i18n.setLocale(first.value)
  },
})
