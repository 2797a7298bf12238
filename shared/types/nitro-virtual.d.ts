// Built by nuxt.config.ts at build time: the API routes Nitro scanned (used by server/api/[...].ts).
declare module '#api-routes' {
  const routes: { route: string, method: string }[]
  export default routes
}

// Built by nuxt.config.ts at build time: the contents of the stylesheets Nuxt links from a rendered page,
// by file name (used by server/plugins/inline-styles.ts); empty in development.
declare module '#linked-styles' {
  const styles: Record<string, string>
  export default styles
}
