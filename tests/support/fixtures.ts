import { afterAll, beforeAll, beforeEach } from 'vitest'
import { startFakeUpstream, upstreamEnv, type FakeUpstream } from './fake-upstream'
import { startServer, type StartOptions, type TestServer } from './server'

/**
 * The built server for one test file: started before its tests (then `onStart` runs, e.g. to keep it
 * in the file's own variables), stopped after them.
 */
export function withServer(options: StartOptions, onStart: (server: TestServer) => void | Promise<void>) {
  let server: TestServer | undefined
  beforeAll(async () => {
    server = await startServer(options)
    await onStart(server)
  })
  afterAll(() => server?.stop())
}

/**
 * A fake OpenAI-compatible upstream and the built server pointed at it, for one test file; before
 * each test the upstream answers with a picture again, whatever the test before queued.
 */
export function withUpstreamServer(options: { timeoutMs?: number, env?: Record<string, string | undefined> }, onStart: (started: { upstream: FakeUpstream, server: TestServer }) => void | Promise<void>) {
  let started: { upstream: FakeUpstream, server: TestServer } | undefined
  beforeAll(async () => {
    const upstream = await startFakeUpstream()
    const server = await startServer({ env: { ...upstreamEnv(upstream, options.timeoutMs), ...options.env } })
    started = { upstream, server }
    await onStart(started)
  })
  afterAll(async () => {
    await started?.server.stop()
    await started?.upstream.close()
  })
  beforeEach(() => {
    if (!started) return
    started.upstream.queue.length = 0
    started.upstream.fallback = { kind: 'b64' }
    started.upstream.refuseEdits = false
  })
}
