// Built by nuxt.config.ts at build time: the API routes Nitro scanned (used by server/api/[...].ts).
declare module '#api-routes' {
  const routes: { route: string, method: string }[]
  export default routes
}
