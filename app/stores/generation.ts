import type { GenerationKind } from '#shared/constants/catalog'
import type { Creation, GenerateResponse } from '#shared/types/api'
import { defineStore } from 'pinia'

/** What one click on Generate asks for. */
interface GenerationInput {
  kind: GenerationKind
  prompt: string
  model: string
  size: string
  /** Sent with image-to-image only. */
  images: readonly File[]
}

/** One generation, from the click to its picture or its error. */
interface GenerationRun {
  id: number
  input: GenerationInput
  status: 'running' | 'succeeded' | 'failed'
  startedAt: number
  finishedAt: number | null
  creation: Creation | null
  error: ApiRequestError | null
}

// Older finished runs are of no use to the page; a few are kept so a dismissed error uncovers the last picture.
const KEPT_RUNS = 10

/**
 * The studio's generations, newest first: each run's status, time and outcome. Success moves the
 * balance and puts the creation into the gallery; the page only shows the runs and starts new ones.
 */
export const useGenerationStore = defineStore('generation', () => {
  const { api, toApiError } = useApi()
  const userStore = useUserStore()
  const gallery = useGalleryStore()

  const runs = ref<GenerationRun[]>([])
  const now = ref(Date.now())
  let lastId = 0
  let ticker: ReturnType<typeof setInterval> | undefined

  const running = computed(() => runs.value.find(run => run.status === 'running') ?? null)
  const busy = computed(() => running.value !== null)
  const latest = computed(() => runs.value[0] ?? null)
  /** The newest picture, shown until a newer one comes or it is deleted. */
  const lastCreation = computed(() => runs.value.find(run => run.creation)?.creation ?? null)

  // One clock for every running run's elapsed time, ticking only while something runs.
  watch(busy, (isBusy) => {
    clearInterval(ticker)
    now.value = Date.now()
    if (isBusy && import.meta.client) ticker = setInterval(() => (now.value = Date.now()), 100)
  })

  /** Seconds since the run started, frozen once it has finished. */
  function elapsed(run: GenerationRun) {
    return Math.max(0, ((run.finishedAt ?? now.value) - run.startedAt) / 1000)
  }

  function send(input: GenerationInput) {
    const fields = { prompt: input.prompt, model: input.model, size: input.size }
    if (input.kind === 'text-to-image') {
      return api<GenerateResponse>('/api/generate/text-to-image', { method: 'POST', body: fields })
    }
    const form = new FormData()
    for (const [name, value] of Object.entries(fields)) form.append(name, value)
    for (const file of input.images) form.append('image', file, file.name)
    return api<GenerateResponse>('/api/generate/image-to-image', { method: 'POST', body: form })
  }

  async function start(input: GenerationInput) {
    runs.value = [{ id: ++lastId, input, status: 'running', startedAt: Date.now(), finishedAt: null, creation: null, error: null }, ...runs.value.slice(0, KEPT_RUNS - 1)]
    const run = runs.value[0]!
    try {
      const res = await send(input)
      run.creation = res.creation
      run.status = 'succeeded'
      userStore.setCredits(res.credits)
      gallery.prepend(res.creation)
    }
    catch (e) {
      const error = toApiError(e)
      run.status = 'failed'
      // The server knows the balance best: a 402 means ours was stale, and the generate bar says so once it is fresh.
      if (error.code === 'INSUFFICIENT_CREDITS') {
        dismiss(run.id)
        await userStore.refresh()
      }
      else {
        run.error = error
      }
    }
    finally {
      run.finishedAt = Date.now()
    }
  }

  /** Puts a failed run's error away. */
  function dismiss(id: number) {
    runs.value = runs.value.filter(run => run.id !== id)
  }

  /** A creation deleted elsewhere (the gallery) is no longer shown. */
  function forgetCreation(creationId: number) {
    runs.value = runs.value.filter(run => run.creation?.id !== creationId)
  }

  /** Finished runs go; a running one stays (a remix link replaces what the studio shows). */
  function clearFinished() {
    runs.value = runs.value.filter(run => run.status === 'running')
  }

  function reset() {
    runs.value = []
  }

  return { runs, running, busy, latest, lastCreation, elapsed, start, dismiss, forgetCreation, clearFinished, reset }
})
