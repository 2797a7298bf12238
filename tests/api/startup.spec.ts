import { execFileSync } from 'node:child_process'
import { cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { expectApiError } from '../support/expect'
import { client, OUTPUT_DIR, SERVER_NODE, signUp, startExpectingExit, startServer, tempDir, TEST_SECRET, uniqueEmail } from '../support/server'

describe('start-up and configuration', () => {
  it('refuses to start in production without NUXT_JWT_SECRET, with a one-line hint', async () => {
    const { code, output } = await startExpectingExit({ env: { NUXT_DATA_DIR: tempDir() } })
    expect(code).not.toBe(0)
    const lines = output.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/NUXT_JWT_SECRET/)
  })

  it('refuses NUXT_IMAGE_PROVIDER=openai without a key, naming the variable to set', async () => {
    const { code, output } = await startExpectingExit({ env: { NUXT_DATA_DIR: tempDir(), NUXT_JWT_SECRET: TEST_SECRET, NUXT_IMAGE_PROVIDER: 'openai' } })
    expect(code).not.toBe(0)
    expect(output).toContain('NUXT_IMAGE_PROVIDER=openai needs NUXT_IMAGE_API_KEY')
  })

  it('refuses a secret shorter than 32 characters', async () => {
    const { code, output } = await startExpectingExit({ env: { NUXT_DATA_DIR: tempDir(), NUXT_JWT_SECRET: 'short' } })
    expect(code).not.toBe(0)
    expect(output).toMatch(/at least 32 characters/)
  })

  it('creates the NUXT_ADMIN_EMAIL account as admin, and later promotes it and resets its password', async () => {
    const dataDir = tempDir()
    const email = uniqueEmail('boss')
    // First an ordinary account with that email exists.
    let server = await startServer({ dataDir })
    await client(server)('/api/register', { method: 'POST', body: { email, password: 'old-password' } })
    await server.stop({ keepData: true })

    server = await startServer({ dataDir, env: { NUXT_ADMIN_EMAIL: email, NUXT_ADMIN_PASSWORD: 'new-password-1' } })
    const api = client(server)
    expectApiError(await api.raw('/api/login', { method: 'POST', body: { email, password: 'old-password' } }), 401, 'INVALID_CREDENTIALS')
    const { token, user } = await api<{ token: string, user: { role: string } }>('/api/login', { method: 'POST', body: { email, password: 'new-password-1' } })
    expect(user.role).toBe('admin')
    expect(token).toBeTruthy()
    await server.stop()

    const fresh = await startServer({ env: { NUXT_ADMIN_EMAIL: 'Root@Example.com', NUXT_ADMIN_PASSWORD: '12345678' } })
    const login = await client(fresh)<{ user: { role: string, email: string } }>('/api/login', { method: 'POST', body: { email: 'root@example.com', password: '12345678' } })
    expect(login.user).toMatchObject({ role: 'admin', email: 'root@example.com' })
    await fresh.stop()
  })

  it('honours NUXT_SIGNUP_CREDITS and NUXT_JWT_TTL', async () => {
    const server = await startServer({ env: { NUXT_SIGNUP_CREDITS: '10', NUXT_JWT_TTL: '2s' } })
    const { user, token } = await signUp(server)
    expect(user.credits).toBe(10)
    const claims = decodeJwt(token)
    expect(claims.exp! - claims.iat!).toBe(2)
    await new Promise(r => setTimeout(r, 3000))
    expectApiError(await client(server, token).raw('/api/users/me'), 401, 'UNAUTHORIZED')
    await server.stop()
  })

  it('runs from a copy of .output alone, migrating a new database and keeping data across restarts', async () => {
    const copy = tempDir('nano-banana-output-')
    cpSync(OUTPUT_DIR, copy, { recursive: true })
    const dataDir = join(tempDir(), 'nested', 'data')
    const entry = join(copy, 'server/index.mjs')
    const env = { NUXT_JWT_SECRET: TEST_SECRET, NUXT_DATA_DIR: dataDir }
    let server = await startServer({ entry, dataDir, inheritEnv: false, env })
    const { email, password } = await signUp(server)
    await server.stop({ keepData: true })
    expect(readdirSync(dataDir)).toContain('nano-banana.db')

    server = await startServer({ entry, dataDir, inheritEnv: false, env })
    const login = await client(server).raw('/api/login', { method: 'POST', body: { email, password } })
    expect(login.status).toBe(200)
    await server.stop()
    // The command line travels with it: no source tree, no node_modules of the project's.
    const listed = execFileSync(SERVER_NODE, [join(copy, 'server/cli.mjs'), 'list-users'], { cwd: copy, env: { PATH: process.env.PATH, NUXT_DATA_DIR: dataDir }, encoding: 'utf8' })
    expect(listed).toContain(email)
    rmSync(copy, { recursive: true, force: true })
  })

  it('answers 503 on health and 500 INTERNAL_ERROR without internals when the database cannot be read', async () => {
    const server = await startServer()
    const api = client(server)
    for (const file of ['nano-banana.db', 'nano-banana.db-wal', 'nano-banana.db-shm']) {
      try {
        writeFileSync(join(server.dataDir, file), 'this is not a database '.repeat(500))
      }
      catch { /* absent */ }
    }
    const health = await api.raw('/api/health')
    expectApiError(health, 503, 'SERVICE_UNAVAILABLE')
    const register = await api.raw('/api/register', { method: 'POST', body: { email: uniqueEmail(), password: 'password-123' } })
    const error = expectApiError(register, 500, 'INTERNAL_ERROR')
    expect(error.message).not.toMatch(/sqlite|database disk|not a database/i)
    await server.stop()
  })
})
