import { inject } from 'vitest'

// Read by startServer (tests/support/server.ts), which the benchmarks use outside Vitest too.
process.env.TEST_POSTGRES_URL = inject('postgresUrl')
