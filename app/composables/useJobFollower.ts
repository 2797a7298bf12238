import type { Job } from '#shared/types/api'

// How often a job is asked about when its event stream cannot be used.
const POLL_MS = 2000

export const isFinished = (job: Pick<Job, 'status'>) => job.status === 'succeeded' || job.status === 'failed'

function jobOf(data: string): Job | null {
  try {
    const value: unknown = JSON.parse(data)
    if (typeof value !== 'object' || value === null || !('job' in value)) return null
    const { job } = value
    return typeof job === 'object' && job !== null && 'id' in job && 'status' in job ? (job as Job) : null
  }
  catch {
    return null
  }
}

interface JobWatch {
  /** Each state the job is seen in, the last one finished. */
  seen: (job: Job) => void
  /** The job is not (or no longer) the caller's to see. */
  lost: () => void
}

/**
 * Follows a job until it finishes: its Server-Sent Events (`status` at each change, `done` at the
 * end), or, when the stream fails (a proxy, a phone that slept), `GET /api/jobs/:id` every 2 s.
 * `follow` returns the function that stops following.
 */
export function useJobFollower() {
  const { api } = useApi()

  function follow(jobId: number, watch: JobWatch): () => void {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined

    function stop() {
      stopped = true
      source.close()
      clearTimeout(timer)
    }
    function take(job: Job | null) {
      if (stopped || !job) return
      if (isFinished(job)) stop()
      watch.seen(job)
    }
    async function poll() {
      if (stopped) return
      try {
        take((await api<{ job: Job }>(`/api/jobs/${jobId}`)).job)
      }
      catch (error) {
        if (error instanceof ApiRequestError && (error.status === 404 || error.status === 401)) {
          stop()
          watch.lost()
        }
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS)
    }

    const source = new EventSource(`/api/jobs/${jobId}/events`)
    source.addEventListener('status', event => take(jobOf(event.data)))
    source.addEventListener('done', event => take(jobOf(event.data)))
    source.addEventListener('error', () => {
      // The stream ends after `done` (then we have stopped already); any other end means polling.
      source.close()
      if (!stopped) void poll()
    })
    return stop
  }

  return { follow }
}
