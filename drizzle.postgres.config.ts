import { defineConfig } from 'drizzle-kit'

// PostgreSQL's migrations (NUXT_DATABASE_URL): `npm run db:generate` writes both dialects'.
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema.postgres.ts',
  out: './drizzle/postgres',
})
