import { execFile } from 'node:child_process'
import { existsSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AdminUserDetail } from '../../shared/types/admin'
import { expectApiError } from '../support/expect'
import { client, OUTPUT_DIR, ROOT, SERVER_NODE, signUp, startServer, tempDir, type TestServer } from '../support/server'

const dataDir = tempDir('nano-banana-cli-')

interface Run { code: number, stdout: string, stderr: string }

function run(file: string, args: string[], options: { cwd?: string, env?: Record<string, string | undefined> } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: options.cwd ?? ROOT, env: options.env ?? { ...process.env, NUXT_DATA_DIR: dataDir } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    })
  })
}

/** The command line inside the bundle, as a deployer runs it on a server: node .output/server/cli.mjs … */
const admin = (...args: string[]) => run(SERVER_NODE, [join(OUTPUT_DIR, 'server/cli.mjs'), ...args])

let server: TestServer
let adminApi: ReturnType<typeof client>

beforeAll(async () => {
  // The command line creates and migrates the database before the server ever ran.
  const created = await admin('create-admin', 'Deployer@Example.com', 'deployer-pass-1', '--init')
  expect(created, created.stderr).toMatchObject({ code: 0 })
  expect(created.stdout).toContain('Created admin deployer@example.com')
  server = await startServer({ dataDir })
  const login = await client(server).raw<{ token: string }>('/api/login', { method: 'POST', body: { email: 'deployer@example.com', password: 'deployer-pass-1' } })
  expect(login.status).toBe(200)
  adminApi = client(server, login._data!.token)
})
afterAll(async () => {
  await server?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('the admin command line (node .output/server/cli.mjs)', () => {
  it('made an admin the server accepts', async () => {
    expect((await adminApi.raw('/api/admin/stats')).status).toBe(200)
  })

  it('prints usage with exit code 0 for help, and 2 for wrong usage', async () => {
    const help = await admin('help')
    expect(help.code).toBe(0)
    for (const command of ['create-admin', 'promote', 'grant', 'list-users']) expect(help.stdout).toContain(command)
    for (const args of [[], ['frobnicate'], ['grant', 'a@example.com'], ['grant', 'a@example.com', '5'], ['grant', 'a@example.com', 'ten'], ['grant', 'a@example.com', '0'],
      ['grant', 'a@example.com', '100001'], ['grant', 'not-an-email', '5'], ['create-admin', 'a@example.com', 'short'], ['list-users', '--bogus'], ['backup'], ['restore', 'a', 'b'], ['list-users', '--init=yes']]) {
      const result = await admin(...args)
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.stderr).toContain('Usage: node .output/server/cli.mjs')
    }
  })

  it('grants and deducts credits with a reason while the server runs, refusing to go below zero', async () => {
    const user = await signUp(server)
    const granted = await admin('grant', user.email, '7', '--reason', 'cli bonus')
    expect(granted, granted.stderr).toMatchObject({ code: 0 })
    expect(granted.stdout).toContain('balance 10')
    const deducted = await admin('grant', user.email, '-4', '--reason', 'correction')
    expect(deducted.code).toBe(0)
    const tooMuch = await admin('grant', user.email, '-100', '--reason', 'too much')
    expect(tooMuch.code).toBe(1)
    expect(tooMuch.stderr).toContain('below zero')
    expect((await admin('grant', 'nobody-here@example.com', '5', '--reason', 'x')).code).toBe(1)

    expect((await user.api<{ credits: number }>('/api/users/me')).credits).toBe(6)
    const { ledger } = await adminApi<AdminUserDetail>(`/api/admin/users/${user.user.id}`)
    expect(ledger.map(r => [r.delta, r.reason, r.reference, r.actorId, r.note])).toEqual([
      [-4, 'admin_grant', 'cli', null, 'correction'],
      [7, 'admin_grant', 'cli', null, 'cli bonus'],
      [3, 'signup', null, null, null],
    ])
  })

  it('promotes a user, and create-admin on an existing account sets its password and ends its old sign-ins', async () => {
    const user = await signUp(server)
    expectApiError(await user.api.raw('/api/admin/stats'), 403, 'FORBIDDEN')
    expect((await admin('promote', user.email)).code).toBe(0)
    expect((await user.api.raw('/api/admin/stats')).status).toBe(200)
    expect((await admin('promote', 'nobody-here@example.com')).code).toBe(1)

    const reset = await admin('create-admin', user.email, 'brand-new-pass-1')
    expect(reset.code).toBe(0)
    expect(reset.stdout).toContain('Updated admin')
    expectApiError(await user.api.raw('/api/users/me'), 401, 'UNAUTHORIZED')
    const login = await client(server).raw('/api/login', { method: 'POST', body: { email: user.email, password: 'brand-new-pass-1' } })
    expect(login.status).toBe(200)
  })

  it('lists users matching a query', async () => {
    const user = await signUp(server)
    const listed = await admin('list-users', '--query', user.email)
    expect(listed.code).toBe(0)
    expect(listed.stdout).toContain(user.email)
    expect(listed.stdout).toContain('1 of 1 users')
    expect(listed.stdout).not.toContain('deployer@example.com')
  })
})

describe('where the command line finds its settings and its database', () => {
  const elsewhere = tempDir('nano-banana-cli-cwd-')
  afterAll(() => rmSync(elsewhere, { recursive: true, force: true }))
  const bare = { PATH: process.env.PATH }

  it('refuses a data folder without a database unless told --init, and creates nothing there', async () => {
    const empty = join(elsewhere, 'empty-data')
    const refused = await run(SERVER_NODE, [join(OUTPUT_DIR, 'server/cli.mjs'), 'create-admin', 'new@example.com', 'deployer-pass-1'], { cwd: elsewhere, env: { ...bare, NUXT_DATA_DIR: empty } })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(`no database at ${join(empty, 'nano-banana.db')}`)
    expect(refused.stderr).toContain('--init')
    expect(existsSync(join(empty, 'nano-banana.db'))).toBe(false)
  })

  it('reads .env from the folder it runs in, and --env <file> instead when given (not --env-file: Node 20 takes that one for itself); the environment wins over both', async () => {
    const cli = [join(OUTPUT_DIR, 'server/cli.mjs'), 'list-users']
    writeFileSync(join(elsewhere, '.env'), `# as in the README\nNUXT_DATA_DIR=${dataDir}\n`)
    const fromDotEnv = await run(SERVER_NODE, cli, { cwd: elsewhere, env: bare })
    expect(fromDotEnv, fromDotEnv.stderr).toMatchObject({ code: 0 })
    expect(fromDotEnv.stdout).toContain('deployer@example.com')

    const envFile = join(elsewhere, 'nano-banana.env')
    writeFileSync(envFile, `NUXT_DATA_DIR=${join(elsewhere, 'nowhere')}\n`)
    const fromFile = await run(SERVER_NODE, [...cli, '--env', envFile], { cwd: elsewhere, env: bare })
    expect(fromFile.code).toBe(1)
    expect(fromFile.stderr).toContain(join(elsewhere, 'nowhere'))

    const fromEnv = await run(SERVER_NODE, [...cli, '--env', envFile], { cwd: elsewhere, env: { ...bare, NUXT_DATA_DIR: dataDir } })
    expect(fromEnv.code).toBe(0)
    expect((await run(SERVER_NODE, [...cli, '--env', join(elsewhere, 'missing.env')], { cwd: elsewhere, env: bare })).code).toBe(2)
  })

  it('runs from the source tree too (npm run admin)', async () => {
    const help = await run('npm', ['run', '--silent', 'admin', '--', 'help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('npm run admin -- <command>')
    const listed = await run('npm', ['run', '--silent', 'admin', '--', 'list-users'])
    expect(listed, listed.stderr).toMatchObject({ code: 0 })
    expect(listed.stdout).toContain('deployer@example.com')
  })
})
