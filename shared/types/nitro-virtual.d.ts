// Built by nuxt.config.ts at build time: the API routes Nitro scanned (used by server/api/[...].ts).
declare module '#api-routes' {
  const routes: { route: string, method: string }[]
  export default routes
}

// Built by nuxt.config.ts at build time: the contents of every stylesheet a rendered page names, by file
// name (used by server/plugins/inline-styles.ts); empty in development.
declare module '#page-stylesheets' {
  const styles: Record<string, string>
  export default styles
}
