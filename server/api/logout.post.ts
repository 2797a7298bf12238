// Tokens are stateless: the client drops its token. Sidebase calls this on sign-out.
export default defineEventHandler(() => ({ ok: true }))
