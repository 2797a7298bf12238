import type { TestProject } from 'vitest/node'
import { startPostgres } from './postgres'

declare module 'vitest' {
  interface ProvidedContext {
    postgresUrl: string
  }
}

// The `postgres` project: one throwaway PostgreSQL cluster for the run; every test server gets a new database on it.
export default async function setup(project: TestProject) {
  const postgres = await startPostgres()
  project.provide('postgresUrl', postgres.url)
  return () => postgres.stop()
}
