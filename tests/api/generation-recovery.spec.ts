import { utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { imageFiles, jobsOf, ledgerOf, waitForImageFile } from '../support/db'
import { startFakeUpstream, upstreamEnv } from '../support/fake-upstream'
import { client, signUp, startServer, tempDir } from '../support/server'

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise(r => setTimeout(r, 50))
  }
}

describe('generations that outlive their request or their process', () => {
  it('refunds a generation cut short by a crash when the server starts again on the same data', async () => {
    const upstream = await startFakeUpstream()
    upstream.fallback = { kind: 'delay', ms: 30_000, then: { kind: 'b64' } }
    const dataDir = tempDir()
    // Its name across the restart (the test's ports change; a deployer's usually do not).
    const env = { ...upstreamEnv(upstream, 60_000), NUXT_INSTANCE_ID: 'the-one-server' }
    let server = await startServer({ dataDir, env })
    const { api, user, token } = await signUp(server)
    const pending = api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'never finishes' } }).catch(() => null)
    await waitFor(() => upstream.requests.length === 1)
    expect(ledgerOf(dataDir, user.id).at(-1)).toMatchObject({ delta: -1, balance_after: 2, reason: 'generation' })

    await server.kill()
    await pending
    server = await startServer({ dataDir, env })
    expect((await client(server, token)<{ credits: number }>('/api/users/me')).credits).toBe(3)
    expect(ledgerOf(dataDir, user.id).map(r => [r.delta, r.reason])).toEqual([[3, 'signup'], [-1, 'generation'], [1, 'refund']])
    expect(jobsOf(dataDir, user.id)).toEqual([expect.objectContaining({ status: 'failed', error_code: 'INTERRUPTED' })])
    expect(imageFiles(dataDir).filter(f => !f.startsWith('.'))).toEqual([])
    await server.stop()
    await upstream.close()
  })

  it('finishes and keeps the image when the browser disconnects mid-generation', async () => {
    const upstream = await startFakeUpstream()
    upstream.fallback = { kind: 'delay', ms: 800, then: { kind: 'b64' } }
    const server = await startServer({ env: upstreamEnv(upstream) })
    const { api, token } = await signUp(server)
    const controller = new AbortController()
    const request = api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'left early' }, signal: controller.signal }).catch((e: unknown) => e)
    await waitFor(() => upstream.requests.length === 1)
    controller.abort()
    expect(await request).toBeInstanceOf(Error)

    await waitFor(async () => (await api<{ items: unknown[] }>('/api/gallery')).items.length === 1)
    const { items } = await api<{ items: { prompt: string, imageUrl: string }[] }>('/api/gallery')
    expect(items[0]!.prompt).toBe('left early')
    expect((await fetch(`${server.url}${items[0]!.imageUrl}`)).status).toBe(200)
    expect((await client(server, token)<{ credits: number }>('/api/users/me')).credits).toBe(2)
    await server.stop()
    await upstream.close()
  })

  it('removes image files that no creation points to and that are an hour old at start-up', async () => {
    const dataDir = tempDir()
    let server = await startServer({ dataDir })
    const { api } = await signUp(server)
    const { creation } = await api<{ creation: { imageUrl: string, thumbnailUrl: string } }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'kept' } })
    const kept = [creation.imageUrl, creation.thumbnailUrl].map(url => url.split('/').pop()!)
    await waitForImageFile(dataDir, kept[1]!)
    await server.stop({ keepData: true })
    // Left by a crash two hours ago: removed. Written a moment ago: kept, as another instance on the
    // same folder may be about to record it.
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000)
    for (const name of ['ZZZZZZZZZZZZZZZZZZZZZZ.png', '.half-written.tmp']) {
      writeFileSync(join(dataDir, 'images', name), 'left by a crash')
      utimesSync(join(dataDir, 'images', name), twoHoursAgo, twoHoursAgo)
    }
    writeFileSync(join(dataDir, 'images', 'YYYYYYYYYYYYYYYYYYYYYY.png'), 'being recorded by a peer')
    server = await startServer({ dataDir })
    expect(imageFiles(dataDir).sort()).toEqual([...kept, 'YYYYYYYYYYYYYYYYYYYYYY.png'].sort())
    await server.stop()
  })
})
