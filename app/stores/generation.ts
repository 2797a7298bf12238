import type { GenerationKind } from '#shared/constants/catalog'
import type { Creation, GenerationFailure, Job, JobAccepted, Page } from '#shared/types/api'
import { defineStore } from 'pinia'

/** What one click on Generate asks for. */
interface GenerationInput {
  kind: GenerationKind
  prompt: string
  model: string
  size: string
  /** Pictures asked for (1–4). */
  n: number
  /** Sent with image-to-image only. */
  images: readonly File[]
}

/** Why a run, or one picture of it, failed, in the reader's words. */
interface RunFailure {
  code: string
  message: string
  /** What the model itself said, when it refused. */
  detail?: string
}

/** One generation, from the click (or from the server, when resumed) to its pictures or its error. */
export interface GenerationRun {
  id: number
  jobId: number | null
  input: Omit<GenerationInput, 'images'>
  /** `sending` until the server has accepted the job. */
  status: 'sending' | Job['status']
  startedAt: number
  finishedAt: number | null
  creations: Creation[]
  /** Pictures of a batch that failed (each refunded). */
  failed: RunFailure[]
  error: RunFailure | null
  /** Credits given back for what failed. */
  refunded: number
}

// Finished runs older than these are of no use to the page (their pictures are in the feed).
const KEPT_RUNS = 10
/** Recent pictures the studio's feed shows. */
const FEED_SIZE = 12

const isActive = (run: GenerationRun) => run.status === 'sending' || run.status === 'queued' || run.status === 'running'

/**
 * The studio's generations as jobs, newest first: each followed from its acceptance to its pictures
 * (events, else polling), found again after a reload or in another tab; and the recent pictures the
 * feed shows. Every finished job refreshes the balance and puts its pictures into the gallery.
 */
export const useGenerationStore = defineStore('generation', () => {
  const { api, toApiError } = useApi()
  const { follow } = useJobFollower()
  const { t, te } = useNuxtApp().$i18n
  const userStore = useUserStore()
  const gallery = useGalleryStore()

  const runs = ref<GenerationRun[]>([])
  const recent = ref<Creation[]>([])
  const recentLoaded = ref(false)
  const now = ref(Date.now())
  // The browser's clock minus the server's, learnt from each accepted job (job times are the server's).
  const clockOffset = ref(0)
  const following = new Map<number, () => void>()
  let ticker: ReturnType<typeof setInterval> | undefined

  const active = computed(() => runs.value.filter(isActive))
  const sending = computed(() => runs.value.some(run => run.status === 'sending'))
  /** The newest run with pictures. */
  const lastResult = computed(() => runs.value.find(run => run.creations.length) ?? null)
  /** Failures newer than the last result, until dismissed. */
  const failures = computed(() => {
    const newer = runs.value.slice(0, lastResult.value ? runs.value.indexOf(lastResult.value) : undefined)
    return newer.filter(run => run.status === 'failed')
  })
  /** Recent pictures, newest first, less those the result panel shows (the last result, while nothing runs). */
  const feed = computed(() => {
    const shown = new Set(active.value.length ? [] : lastResult.value?.creations.map(c => c.id))
    return recent.value.filter(c => !shown.has(c.id)).slice(0, FEED_SIZE)
  })

  // One clock for every running run's elapsed time, ticking only while something runs.
  watch(() => active.value.length > 0, (ticking) => {
    clearInterval(ticker)
    now.value = Date.now()
    if (ticking && import.meta.client) ticker = setInterval(() => (now.value = Date.now()), 100)
  }, { immediate: true })

  /** Seconds since the run was asked for, frozen once it has finished. */
  function elapsed(run: GenerationRun) {
    return Math.max(0, ((run.finishedAt ?? now.value) - run.startedAt) / 1000)
  }

  const serverTime = (iso: string) => Date.parse(iso) + clockOffset.value

  function describe(failure: GenerationFailure | RunFailure): RunFailure {
    const key = [`errors.${failure.code}`, `jobs.errors.${failure.code}`].find(k => te(k))
    const detail = failure.code === 'CONTENT_REJECTED' && failure.message ? failure.message : undefined
    return { code: failure.code, message: key ? t(key) : failure.message, detail }
  }

  /** A job's state, as the run shows it. */
  function apply(run: GenerationRun, job: Job) {
    run.jobId = job.id
    run.status = job.status
    run.creations = job.creations
    run.failed = job.failed.map(describe)
    run.error = job.error && !job.creations.length ? describe(job.error) : null
    if (isFinished(job)) {
      const lost = job.creations.length ? job.failed.length : job.n
      run.refunded = Math.round((job.cost / job.n) * lost)
      run.finishedAt = job.finishedAt ? serverTime(job.finishedAt) : Date.now()
    }
  }

  /** A job seen finished: the balance is asked for first (a refund shows with the failure), then the pictures go everywhere. */
  async function settle(run: GenerationRun, job: Job) {
    if (!isFinished(job)) {
      apply(run, job)
      return watchRun(run)
    }
    following.get(run.id)?.()
    following.delete(run.id)
    await userStore.refresh()
    apply(run, job)
    for (const creation of [...job.creations].reverse()) {
      gallery.prepend(creation)
      if (!recent.value.some(c => c.id === creation.id)) recent.value.unshift(creation)
    }
  }

  function watchRun(run: GenerationRun) {
    if (!import.meta.client || run.jobId === null || following.has(run.id) || !isActive(run)) return
    const id = run.id
    // The reactive run, not the plain object: changes must show.
    const current = () => runs.value.find(r => r.id === id)
    following.set(id, follow(run.jobId, {
      seen: (job) => {
        const live = current()
        if (live) void settle(live, job)
      },
      lost: () => dismiss(id),
    }))
  }

  function keep(run: GenerationRun) {
    const finished = runs.value.filter(r => !isActive(r))
    const dropped = new Set(finished.slice(KEPT_RUNS - 1).map(r => r.id))
    runs.value = [run, ...runs.value.filter(r => !dropped.has(r.id))].sort((a, b) => b.startedAt - a.startedAt)
    return runs.value.find(r => r.id === run.id)!
  }

  const nextId = () => Math.max(0, ...runs.value.map(r => r.id)) + 1

  function send(input: GenerationInput) {
    const fields = { prompt: input.prompt, model: input.model, size: input.size, n: input.n }
    const headers = { Prefer: 'respond-async' }
    if (input.kind === 'text-to-image') {
      return api<JobAccepted>('/api/generate/text-to-image', { method: 'POST', headers, body: fields })
    }
    const form = new FormData()
    for (const [name, value] of Object.entries(fields)) form.append(name, String(value))
    for (const file of input.images) form.append('image', file, file.name)
    return api<JobAccepted>('/api/generate/image-to-image', { method: 'POST', headers, body: form })
  }

  /** Asks for a job and starts following it; resolves once the server has accepted (or refused) it. */
  async function start(input: GenerationInput) {
    const { images: _files, ...settings } = input
    const run = keep({ id: nextId(), jobId: null, input: settings, status: 'sending', startedAt: Date.now(), finishedAt: null, creations: [], failed: [], error: null, refunded: 0 })
    try {
      const { job, credits } = await send(input)
      clockOffset.value = Date.now() - Date.parse(job.createdAt)
      userStore.setCredits(credits)
      // The same job, found by a resume while this request was on its way.
      for (const twin of runs.value.filter(r => r.jobId === job.id && r.id !== run.id)) dismiss(twin.id)
      await settle(run, job)
    }
    catch (e) {
      const error = toApiError(e)
      run.status = 'failed'
      run.finishedAt = Date.now()
      // The server knows the balance best: a 402 means ours was stale, and the generate bar says so once it is fresh.
      if (error.code === 'INSUFFICIENT_CREDITS') {
        dismiss(run.id)
        await userStore.refresh()
      }
      else {
        run.error = { code: error.code, message: error.message }
      }
    }
  }

  /** A job found on the server (another tab, before a reload) becomes a run, once. */
  function adopt(job: Job) {
    const known = runs.value.find(r => r.jobId === job.id)
    if (known) return known
    const run: GenerationRun = { id: nextId(), jobId: job.id, input: { kind: job.kind, prompt: job.prompt, model: job.model, size: job.size, n: job.n }, status: job.status, startedAt: serverTime(job.createdAt), finishedAt: null, creations: [], failed: [], error: null, refunded: 0 }
    apply(run, job)
    return keep(run)
  }

  /**
   * The jobs still going on the server become runs and are followed; runs this page thought were
   * going but the server no longer lists (they ended while the tab slept) are asked for once.
   */
  async function resume() {
    let listed: Job[]
    try {
      listed = (await api<{ items: Job[] }>('/api/jobs', { query: { active: 1 } })).items
    }
    catch {
      return
    }
    const ids = new Set(listed.map(job => job.id))
    for (const job of listed) adopt(job)
    if (!import.meta.client) return
    for (const run of active.value.filter(r => r.jobId !== null && !ids.has(r.jobId))) {
      try {
        const { job } = await api<{ job: Job }>(`/api/jobs/${run.jobId}`)
        await settle(run, job)
      }
      catch {
        dismiss(run.id)
      }
    }
    followAll()
  }

  /** Follows every run still going that nothing follows yet (runs rendered by the server, resumed ones). */
  function followAll() {
    for (const run of active.value) watchRun(run)
  }

  async function loadRecent() {
    try {
      const page = await api<Page<Creation>>('/api/gallery', { query: { limit: FEED_SIZE + 4 } })
      const known = new Set(page.items.map(c => c.id))
      recent.value = [...recent.value.filter(c => !known.has(c.id) && c.id > (page.items[0]?.id ?? 0)), ...page.items]
      recentLoaded.value = true
    }
    catch {
      // The feed stays as it was; the next visit tries again.
    }
  }

  /** Puts a run away (a failure read, a job that is gone); it is no longer followed. */
  function dismiss(id: number) {
    following.get(id)?.()
    following.delete(id)
    runs.value = runs.value.filter(run => run.id !== id)
  }

  /** A creation deleted elsewhere (the gallery) is no longer shown. */
  function forgetCreation(creationId: number) {
    for (const run of runs.value) run.creations = run.creations.filter(c => c.id !== creationId)
    recent.value = recent.value.filter(c => c.id !== creationId)
  }

  /** Finished runs go; running ones stay (a remix link replaces what the studio shows). */
  function clearFinished() {
    runs.value = runs.value.filter(isActive)
  }

  function reset() {
    for (const stop of following.values()) stop()
    following.clear()
    runs.value = []
    recent.value = []
    recentLoaded.value = false
  }

  return {
    runs, recent, recentLoaded, active, sending, lastResult, failures, feed,
    elapsed, start, resume, followAll, loadRecent, dismiss, forgetCreation, clearFinished, reset,
  }
})
