declare module '#app' {
  interface PageMeta {
    /** `false`: anyone may see the page; `'guest'`: only people signed out; unset: only people signed in. */
    auth?: false | 'guest'
  }
}

export {}
