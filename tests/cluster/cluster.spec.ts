import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobsOf, ledgerOf, query } from '../support/db'
import { expectApiError } from '../support/expect'
import { startFakeUpstream, upstreamEnv, type FakeUpstream } from '../support/fake-upstream'
import { readEventStream } from '../support/sse'
import { client, signUp, testAddress, uniqueEmail } from '../support/server'
import { startCluster, type Cluster } from '../support/cluster'

// The scale-out topology (tests/support/cluster.ts): two instances on PostgreSQL and an S3-compatible
// store, behind Nginx. What only holds when the instances really share the work.

const ADMIN = { email: 'boss@example.com', password: 'boss-password-1' }
const ASYNC = { Prefer: 'respond-async' }

let upstream: FakeUpstream
let cluster: Cluster

beforeAll(async () => {
  upstream = await startFakeUpstream()
  // One model call at a time per instance: a second job in flight is the other instance's to run.
  cluster = await startCluster({ env: { ...upstreamEnv(upstream, 60_000), NUXT_ADMIN_EMAIL: ADMIN.email, NUXT_ADMIN_PASSWORD: ADMIN.password, NUXT_GENERATION_CONCURRENCY: '1' } })
})
afterAll(async () => {
  await cluster?.stop()
  await upstream?.close()
})

const instance = (index: number) => cluster.instances[index]!

async function adminClient() {
  const { token } = await client(cluster)<{ token: string }>('/api/login', { method: 'POST', body: ADMIN })
  return client(cluster, token)
}

describe('two instances behind Nginx on PostgreSQL and S3', () => {
  it('lets exactly 3 of 20 parallel generations on 3 credits through, spread over both instances; balance 0, ledger exact', async () => {
    upstream.fallback = { kind: 'delay', ms: 300, then: { kind: 'b64' } }
    const { user, token, address } = await signUp(cluster)
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      client(instance(i % 2), token, address).raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: `race ${i}` } }).then(res => res.status)))
    expect(answers.filter(status => status === 200)).toHaveLength(3)
    expect(answers.filter(status => status !== 200)).toEqual(Array.from({ length: 17 }, () => 402))
    expect(ledgerOf(cluster.dataDir, user.id).map(row => row.delta)).toEqual([3, -1, -1, -1])
    for (const index of [0, 1]) expect((await client(instance(index), token, address)<{ credits: number }>('/api/users/me')).credits).toBe(0)
  })

  it('redeems a code once when it is redeemed at the same moment through both instances', async () => {
    const admin = await adminClient()
    const { codes: [code] } = await admin<{ codes: { code: string, id: number }[] }>('/api/admin/codes', { method: 'POST', body: { credits: 7, count: 1, maxUses: 1 } })
    // One user twice at once, then a single-use code by two users at once.
    const { token, address } = await signUp(cluster)
    const twice = await Promise.all([0, 1].map(index => client(instance(index), token, address).raw('/api/credits/redeem', { method: 'POST', body: { code: code!.code } })))
    expect(twice.map(res => res.status).sort()).toEqual([200, 409])
    const { codes: [single] } = await admin<{ codes: { code: string, id: number }[] }>('/api/admin/codes', { method: 'POST', body: { credits: 5, count: 1, maxUses: 1 } })
    const users = [await signUp(cluster), await signUp(cluster)]
    const race = await Promise.all(users.map((u, index) => client(instance(index), u.token, u.address).raw('/api/credits/redeem', { method: 'POST', body: { code: single!.code } })))
    expect(race.map(res => res.status).sort()).toEqual([200, 409])
    expect(query<{ uses: number }>(cluster.dataDir, 'select uses from redeem_codes where id = ?', single!.id)).toEqual([{ uses: 1 }])
    const granted = users.map(u => ledgerOf(cluster.dataDir, u.user.id).filter(row => row.reason === 'redeem').length)
    expect(granted.sort()).toEqual([0, 1])
  })

  it('follows a job started through instance A to its end with events read through instance B', async () => {
    upstream.fallback = { kind: 'delay', ms: 1500, then: { kind: 'b64' } }
    const { token } = await signUp(cluster)
    const address = testAddress()
    const accepted = await client(instance(0), token, address).raw<{ job: { id: number } }>('/api/generate/text-to-image', { method: 'POST', headers: ASYNC, body: { prompt: 'seen from B' } })
    expect(accepted.status).toBe(202)
    const stream = await readEventStream(`${instance(1).url}/api/jobs/${accepted._data!.job.id}/events`, { 'authorization': `Bearer ${token}`, 'x-forwarded-for': address })
    expect(stream.ended).toBe(true)
    const done = stream.events.find(event => event.event === 'done')?.data as { job: { status: string }, creation: { imageUrl: string } }
    expect(done.job.status).toBe('succeeded')
    // The picture is in the shared store: either instance serves it.
    for (const index of [0, 1]) expect((await fetch(`${instance(index).url}${done.creation.imageUrl}`)).status).toBe(200)
  })

  it('counts sign-in failures of one account on both instances together', async () => {
    const email = uniqueEmail()
    await signUp(cluster, email)
    // The account allows 10 failures in 15 minutes, wherever they land.
    for (let i = 0; i < 10; i++) {
      expectApiError(await client(instance(i % 2)).raw('/api/login', { method: 'POST', body: { email, password: 'wrong-password' } }), 401, 'INVALID_CREDENTIALS')
    }
    for (const index of [0, 1]) expectApiError(await client(instance(index)).raw('/api/login', { method: 'POST', body: { email, password: 'correct-horse-1' } }), 429, 'RATE_LIMITED')
  })

  it('fails and refunds the jobs of an instance killed mid-generation when it starts again, and leaves the other instance\'s running job alone', async () => {
    // Long enough that the other instance's job is still running after the restart, on a slow machine too.
    upstream.fallback = { kind: 'delay', ms: 12_000, then: { kind: 'b64' } }
    const a = await signUp(cluster)
    const b = await signUp(cluster)
    const before = upstream.requests.length
    const onA = await client(instance(0), a.token, a.address).raw<{ job: { id: number } }>('/api/generate/text-to-image', { method: 'POST', headers: ASYNC, body: { prompt: 'cut short' } })
    const onB = await client(instance(1), b.token, b.address).raw<{ job: { id: number } }>('/api/generate/text-to-image', { method: 'POST', headers: ASYNC, body: { prompt: 'carries on' } })
    expect([onA.status, onB.status]).toEqual([202, 202])
    while (upstream.requests.length < before + 2) await new Promise(resolve => setTimeout(resolve, 50))
    // Whichever instance claimed A's job is killed; B's job is the other one's (one call each at a time).
    const workerOf = (id: number) => query<{ worker: string }>(cluster.dataDir, 'select worker from generation_jobs where id = ?', id)[0]!.worker
    const runner = workerOf(onA._data!.job.id)
    expect(workerOf(onB._data!.job.id)).not.toBe(runner)
    const index = runner.endsWith('-1') ? 0 : 1
    await instance(index).kill()
    await cluster.restart(index)
    // Failed and refunded by the instance itself as it started again, before it answered.
    expect(jobsOf(cluster.dataDir, a.user.id)).toMatchObject([{ status: 'failed', error_code: 'INTERRUPTED' }])
    expect(ledgerOf(cluster.dataDir, a.user.id).map(row => row.delta)).toEqual([3, -1, 1])
    expect(jobsOf(cluster.dataDir, b.user.id)).toMatchObject([{ status: 'running' }])
    const deadline = Date.now() + 30_000
    while (jobsOf(cluster.dataDir, b.user.id)[0]!.status === 'running' && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
    expect(jobsOf(cluster.dataDir, b.user.id)).toMatchObject([{ status: 'succeeded' }])
    expect(ledgerOf(cluster.dataDir, b.user.id).map(row => row.delta)).toEqual([3, -1])
  })
})

describe('instances starting together', () => {
  it('both come up at the same moment on an empty database, with one admin account (three times)', async () => {
    for (let round = 0; round < 3; round++) {
      const fresh = await startCluster({ env: { NUXT_ADMIN_EMAIL: ADMIN.email, NUXT_ADMIN_PASSWORD: ADMIN.password } })
      try {
        for (const server of fresh.instances) {
          const { token } = await client(server)<{ token: string }>('/api/login', { method: 'POST', body: ADMIN })
          expect((await client(server, token)<{ role: string }>('/api/users/me')).role).toBe('admin')
        }
        expect(query(fresh.dataDir, 'select count(*) as n from users where email = ?', ADMIN.email)).toEqual([{ n: 1 }])
        expect(query(fresh.dataDir, 'select count(*) as n from credit_ledger')).toEqual([{ n: 1 }])
      }
      finally {
        await fresh.stop()
      }
    }
  })
})
