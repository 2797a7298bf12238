import { execFileSync, spawnSync } from 'node:child_process'
import { chownSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { freePort } from './server'

/**
 * Debian's PostgreSQL 15, as a throwaway cluster in a temporary folder for one test run. PostgreSQL
 * refuses to run as root: as root, the cluster belongs to the `postgres` user and its programs run as it.
 */
const BIN = process.env.POSTGRES_BIN || '/usr/lib/postgresql/15/bin'

function asOwner(command: string, args: string[]) {
  const run = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', join(BIN, command), ...args]] as const : [join(BIN, command), args] as const
  const result = spawnSync(run[0], [...run[1]], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr || result.stdout}`)
}

export interface TestPostgres {
  /** The server's address for the `postgres` superuser, without a database. */
  url: string
  stop: () => void
}

export async function startPostgres(): Promise<TestPostgres> {
  // Under /tmp, where the postgres user can reach it (mkdtemp makes it 0700 for its owner).
  const dir = mkdtempSync('/tmp/nano-banana-postgres-')
  if (process.getuid?.() === 0) {
    const [uid, gid] = execFileSync('id', ['-u', 'postgres']).toString().trim().split('\n').concat(execFileSync('id', ['-g', 'postgres']).toString().trim())
    chownSync(dir, Number(uid), Number(gid))
  }
  const data = join(dir, 'data')
  const port = await freePort()
  asOwner('initdb', ['-D', data, '--no-locale', '-E', 'UTF8', '-A', 'trust', '-U', 'postgres'])
  // Durability is not what a test run needs: no fsync makes it several times faster.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`
  asOwner('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', 'start'])
  return {
    url: `postgres://postgres@127.0.0.1:${port}`,
    stop() {
      try {
        asOwner('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
      }
      finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

/** A new, empty database on the server; its URL. */
export async function createDatabase(serverUrl: string): Promise<string> {
  const name = `test_${Math.random().toString(36).slice(2, 10)}`
  const client = new pg.Client({ connectionString: `${serverUrl}/postgres` })
  await client.connect()
  try {
    await client.query(`create database ${name}`)
  }
  finally {
    await client.end()
  }
  return `${serverUrl}/${name}`
}

/**
 * Rows of a query, synchronously (the tests' SQLite helpers are): through psql, as JSON. `?` stands
 * for each parameter, in order, as in SQLite.
 */
export function queryPostgres<T>(databaseUrl: string, sql: string, params: unknown[]): T[] {
  return JSON.parse(psql(databaseUrl, `select coalesce(json_agg(t), '[]') from (${sql}) t`, params)) as T[]
}

/** Runs a statement that answers no rows (an insert, an update), synchronously. */
export function executePostgres(databaseUrl: string, sql: string, params: unknown[]) {
  psql(databaseUrl, sql, params)
}

function psql(databaseUrl: string, sql: string, params: unknown[]): string {
  let index = 0
  const variables: string[] = []
  const text = sql.replace(/\?/g, () => {
    const name = `p${index}`
    const value = params[index++]
    variables.push('-v', `${name}=${value instanceof Date ? value.toISOString() : String(value)}`)
    return `:'${name}'`
  })
  return execFileSync(join(BIN, 'psql'), ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', ...variables, '-d', databaseUrl], { input: `${text};`, encoding: 'utf8' })
}
