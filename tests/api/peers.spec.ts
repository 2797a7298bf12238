import { describe, expect, it } from 'vitest'
import { jobsOf, ledgerOf, query } from '../support/db'
import { startFakeUpstream, upstreamEnv } from '../support/fake-upstream'
import { client, signUp, startServer, tempDir } from '../support/server'

// Two instances of today's server on one data folder (one machine, two ports) are peers: neither
// start-up breaks the other, nor takes the other's running jobs for abandoned ones.

const ADMIN = { email: 'boss@example.com', password: 'boss-password-1' }

describe('two instances on one data folder', () => {
  it('both come up when started at the same moment on an empty folder, with one admin account', async () => {
    // Three times over: the race (migrations, the admin account) is decided by which start is first.
    for (let round = 0; round < 3; round++) {
      const dataDir = tempDir()
      const env = { NUXT_ADMIN_EMAIL: ADMIN.email, NUXT_ADMIN_PASSWORD: ADMIN.password }
      const servers = await Promise.all([startServer({ dataDir, env }), startServer({ dataDir, env })])
      for (const server of servers) {
        const { token } = await client(server)<{ token: string }>('/api/login', { method: 'POST', body: ADMIN })
        expect((await client(server, token)<{ role: string }>('/api/users/me')).role).toBe('admin')
      }
      expect(query(dataDir, 'select count(*) as n from users where email = ?', ADMIN.email)).toEqual([{ n: 1 }])
      expect(query(dataDir, 'select count(*) as n from credit_ledger')).toEqual([{ n: 1 }])
      await Promise.all(servers.map(server => server.stop()))
    }
  })

  it('lets exactly 3 of 20 parallel generations through both instances on 3 credits, the rest 402, none failing on the lock', async () => {
    const upstream = await startFakeUpstream()
    upstream.fallback = { kind: 'delay', ms: 300, then: { kind: 'b64' } }
    const dataDir = tempDir()
    const env = upstreamEnv(upstream)
    const servers = [await startServer({ dataDir, env }), await startServer({ dataDir, env })]
    const { user, token, address } = await signUp(servers[0]!)
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      client(servers[i % 2]!, token, address).raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: `race ${i}` } }).then(res => res.status)))
    expect(answers.filter(status => status === 200)).toHaveLength(3)
    expect(answers.filter(status => status !== 200)).toEqual(Array.from({ length: 17 }, () => 402))
    expect(ledgerOf(dataDir, user.id).map(r => r.delta)).toEqual([3, -1, -1, -1])
    for (const server of servers) expect((await client(server, token, address)<{ credits: number }>('/api/users/me')).credits).toBe(0)
    await Promise.all(servers.map(server => server.stop()))
    await upstream.close()
  })

  it('leaves alone, at its start and in its sweeps, a job the other instance is running', async () => {
    const upstream = await startFakeUpstream()
    // Longer than the second instance's start plus its first sweep for lapsed jobs (15 s).
    upstream.fallback = { kind: 'delay', ms: 18_000, then: { kind: 'b64' } }
    const dataDir = tempDir()
    const env = upstreamEnv(upstream, 60_000)
    const first = await startServer({ dataDir, env })
    const { api, user } = await signUp(first)
    const pending = api<{ creation: { imageUrl: string }, credits: number }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'made by the first' } })
    while (upstream.requests.length === 0) await new Promise(r => setTimeout(r, 50))

    const second = await startServer({ dataDir, env })
    const { creation, credits } = await pending
    expect(credits).toBe(2)
    expect(ledgerOf(dataDir, user.id).map(r => [r.delta, r.reason])).toEqual([[3, 'signup'], [-1, 'generation']])
    expect(jobsOf(dataDir, user.id)).toEqual([expect.objectContaining({ status: 'succeeded', error_code: null })])
    // The picture is there for either instance to serve.
    expect((await fetch(`${second.url}${creation.imageUrl}`)).status).toBe(200)
    await Promise.all([first.stop(), second.stop()])
    await upstream.close()
  }, 40_000)
})
