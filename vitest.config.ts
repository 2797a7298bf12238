import { fileURLToPath } from 'node:url'
import { defineVitestProject } from '@nuxt/test-utils/config'
import { configDefaults, defineConfig } from 'vitest/config'

// On PostgreSQL, one instance (project `postgres`) or the scale-out topology (project `cluster`, also
// on PostgreSQL): each spec in one of the two, not both, to keep the run short.
const POSTGRES_SPECS = ['image-to-image', 'jobs', 'generation-recovery', 'catalogue', 'peers', 'metrics', 'hardening', 'migrate']
// Specs whose subject is PostgreSQL itself: in the `postgres` project only.
const POSTGRES_ONLY_SPECS = ['migrate']

const CLUSTER_SPECS = ['account', 'auth', 'generation', 'gallery', 'gallery-organise', 'admin']

export default defineConfig({
  resolve: {
    alias: {
      '#shared': fileURLToPath(new URL('./shared', import.meta.url)),
      '#server': fileURLToPath(new URL('./server', import.meta.url)),
    },
  },
  test: {
    reporters: ['default', './tests/support/summary-reporter.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // `vitest run` runs them all; `--project unit` (npm run test:unit), `api`, `e2e` or `deploy` runs one.
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.spec.ts'] } },
      { extends: true, test: { name: 'api', include: ['tests/api/**/*.spec.ts'], exclude: [...configDefaults.exclude, ...POSTGRES_ONLY_SPECS.map(name => `tests/api/${name}.spec.ts`)] } },
      // The API tests whose subject is the database, again with the server on PostgreSQL (a throwaway
      // cluster of Debian's PostgreSQL 15 for the run, a new database for each test server).
      {
        extends: true,
        test: {
          name: 'postgres',
          include: POSTGRES_SPECS.map(name => `tests/api/${name}.spec.ts`),
          globalSetup: ['tests/support/global-setup.ts', 'tests/support/postgres-setup.ts'],
          setupFiles: ['tests/support/postgres-env.ts'],
        },
      },
      // The scale-out topology: every test server is two instances on PostgreSQL and an S3-compatible
      // store behind Nginx (tests/support/cluster.ts); the API tests of accounts, generation, the
      // gallery and the admin API unchanged, and the topology's own tests (tests/cluster).
      {
        extends: true,
        test: {
          name: 'cluster',
          include: [...CLUSTER_SPECS.map(name => `tests/api/${name}.spec.ts`), 'tests/cluster/**/*.spec.ts'],
          globalSetup: ['tests/support/global-setup.ts', 'tests/support/postgres-setup.ts'],
          setupFiles: ['tests/support/postgres-env.ts'],
          env: { TEST_CLUSTER: '1' },
        },
      },
      // A browser on a busy machine may take more than expect.poll's default second to show what it was asked
      // for (a swipe's next picture): polls wait up to 5 s, and still end as soon as the page shows it.
      { extends: true, test: { name: 'e2e', include: ['tests/e2e/**/*.spec.ts'], expect: { poll: { timeout: 5000 } } } },
      // The deployment files run for real: Nginx in front of the built server, provisioning, systemd units.
      { extends: true, test: { name: 'deploy', include: ['tests/deploy/**/*.spec.ts'] } },
      // Code that needs a Nuxt app around it (stores, composables): @nuxt/test-utils' nuxt environment.
      // Vite ≥ 7.3.2 refuses Nuxt's ids for files of public/ (`virtual:public?%2Ffavicon.svg`, nuxt/nuxt#35107)
      // unless its file-system guard is off; this Vite serves no one but the test run.
      await defineVitestProject({ server: { fs: { strict: false } }, test: { name: 'nuxt', include: ['tests/nuxt/**/*.spec.ts'], environment: 'nuxt' } }),
    ],
  },
})
