import { GENERATION_KINDS, MAX_BATCH, PROMPT_MAX_LENGTH, SIZES } from '#shared/constants/catalog'
import { z } from '#shared/schemas/zod'
import type { LocationQuery } from 'vue-router'

// What a reload finds again; anything else in the stored value (an older shape, a hand edit) is dropped.
const DraftSchema = z.object({
  mode: z.enum(GENERATION_KINDS),
  prompt: z.string().max(PROMPT_MAX_LENGTH),
  modelId: z.string().max(64),
  size: z.enum(SIZES),
  n: z.number().int().min(1).max(MAX_BATCH),
}).partial()

function read(key: string) {
  try {
    const parsed = DraftSchema.safeParse(JSON.parse(localStorage.getItem(key) ?? '{}'))
    return parsed.success ? parsed.data : {}
  }
  catch {
    return {}
  }
}

/**
 * The studio's settings (mode, prompt, model, ratio, batch) in this browser's local storage, one entry
 * per account: restored once the page is in the browser — a remix link still wins — and saved at each change.
 */
export function useStudioDraft(link: LocationQuery) {
  const studio = useStudioStore()
  const userStore = useUserStore()

  onMounted(() => {
    const userId = userStore.user?.id
    if (userId === undefined) return
    const key = `nb-studio-draft:${userId}`
    studio.restoreDraft(read(key))
    studio.applyLink(link)
    watch(() => studio.draft, (draft) => {
      try {
        localStorage.setItem(key, JSON.stringify(draft))
      }
      catch {
        // Storage full or refused (private mode): the draft lives as long as the page.
      }
    }, { immediate: true })
  })
}
