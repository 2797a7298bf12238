import { PassThrough } from 'node:stream'
import type { H3Event } from 'h3'
import type { Job } from '#shared/types/api'
import { onJobEvent, toJob, waitForJob } from '#server/services/jobs'

// A comment this often keeps proxies (Nginx's 60 s read timeout) and phones' networks from closing an idle stream.
const HEARTBEAT_MS = 15_000

const finished = (job: Job) => job.status === 'succeeded' || job.status === 'failed'

/**
 * A job as Server-Sent Events: `status` with the job now and at every change, then `done` with the
 * job and its picture or error, then the end of the stream; a `: heartbeat` comment every 15 s.
 */
export function streamJob(event: H3Event, job: Job) {
  setResponseHeaders(event, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'Connection': 'keep-alive',
    // Nginx: pass events on as they are written.
    'X-Accel-Buffering': 'no',
  })
  const stream = new PassThrough()
  const write = (name: string, data: unknown) => stream.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)
  let ended = false
  const cleanups: (() => void)[] = []
  const end = (last?: Job) => {
    if (ended) return
    ended = true
    for (const cleanup of cleanups) cleanup()
    if (last) write('done', { job: last, creation: last.creations[0] ?? null, error: last.error })
    stream.end()
  }

  write('status', { job })
  if (finished(job)) {
    end(job)
    return sendStream(event, stream)
  }
  cleanups.push(onJobEvent(job.id, (change) => {
    if (change.type === 'status' && !finished(change.job)) write('status', { job: change.job })
  }))
  const heartbeat = setInterval(() => stream.write(': heartbeat\n\n'), HEARTBEAT_MS)
  cleanups.push(() => clearInterval(heartbeat))
  event.node.req.once('close', () => end())
  waitForJob(job.id).then(async row => end(await toJob(row)), () => end())
  return sendStream(event, stream)
}
