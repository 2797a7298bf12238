import { DEFAULT_SIZE, GENERATION_KINDS, MAX_BATCH, MAX_INPUT_IMAGES, PROMPT_MAX_LENGTH, SIZES, type GenerationKind } from '#shared/constants/catalog'
import type { Creation } from '#shared/types/api'
import { defineStore } from 'pinia'
import type { LocationQuery } from 'vue-router'

/** A reference image picked, dropped or pasted in the browser: scaled down, with a preview URL. */
export interface SelectedImage {
  id: string
  file: File
  url: string
  width: number
  height: number
}

/** Why Generate cannot run now (the generate bar says it in words). */
export type GenerateBlock = 'noModels' | 'credits' | 'batchCredits' | 'prompt' | 'images' | 'tooManyImages'

/** The settings a reload keeps (app/composables/useStudioDraft.ts). */
export interface StudioDraft {
  mode: GenerationKind
  prompt: string
  modelId: string
  size: string
  n: number
}

const queryText = (value: unknown) => (typeof value === 'string' ? value : undefined)
const isKind = (value: unknown): value is GenerationKind => GENERATION_KINDS.some(kind => kind === value)

/** The studio's draft (mode, prompt, model, ratio, batch, reference images), kept while the user visits other pages. */
export const useStudioStore = defineStore('studio', () => {
  const { t } = useNuxtApp().$i18n
  const catalog = useCatalogStore()
  const userStore = useUserStore()
  const generation = useGenerationStore()

  const mode = ref<GenerationKind>('text-to-image')
  const prompt = ref('')
  const modelId = ref('')
  const size = ref<string>(DEFAULT_SIZE)
  const n = ref(1)
  const images = ref<SelectedImage[]>([])
  const preparing = ref(false)
  /** The last thing worth telling about the reference images (a refused file, too many). */
  const notice = ref('')

  const models = computed(() => catalog.models.filter(m => mode.value === 'text-to-image' || m.supportsImageInput))
  const model = computed(() => catalog.model(modelId.value))
  /** The ratios the chosen model makes, in the catalogue's order. */
  const sizes = computed<string[]>(() => {
    const all = catalog.sizes.length ? catalog.sizes : [...SIZES]
    const made = model.value?.sizes
    return made ? all.filter(s => made.some(m => m === s)) : all
  })
  const maxImages = computed(() => model.value?.maxInputImages ?? MAX_INPUT_IMAGES)
  const imagesFull = computed(() => images.value.length >= maxImages.value)
  /** The allowed ratio closest to the first reference image's shape. */
  const matchedSize = computed(() => {
    const first = images.value[0]
    return first ? nearestSize(sizes.value, first.width, first.height) ?? null : null
  })
  const cost = computed(() => model.value?.cost ?? 1)
  const total = computed(() => cost.value * n.value)
  const inImageMode = computed(() => mode.value === 'image-to-image')
  const blocked = computed<GenerateBlock | null>(() => {
    if (!catalog.loaded) return 'noModels'
    if (userStore.credits < cost.value) return 'credits'
    if (userStore.credits < total.value) return 'batchCredits'
    if (!prompt.value.trim()) return 'prompt'
    if (inImageMode.value && !images.value.length) return 'images'
    if (inImageMode.value && images.value.length > maxImages.value) return 'tooManyImages'
    return null
  })
  const draft = computed<StudioDraft>(() => ({ mode: mode.value, prompt: prompt.value, modelId: modelId.value, size: size.value, n: n.value }))

  // A remembered or prefilled model that does not exist (or takes no images in this mode) falls back to
  // the first; a ratio the model does not make, to the nearest one it does.
  watchEffect(() => {
    if (models.value.length && !models.value.some(m => m.id === modelId.value)) modelId.value = models.value[0]!.id
  })
  watchEffect(() => {
    if (sizes.value.length && !sizes.value.includes(size.value)) size.value = nearestSize(sizes.value, ratioOf(size.value), 1) ?? size.value
  })

  /** A remix link (`/studio?prompt=…&model=…&size=…`) replaces the draft and what the studio shows. */
  function applyLink(query: LocationQuery) {
    const link = { mode: queryText(query.mode), prompt: queryText(query.prompt), model: queryText(query.model), size: queryText(query.size) }
    if (isKind(link.mode)) mode.value = link.mode
    if (link.prompt !== undefined) prompt.value = link.prompt.slice(0, PROMPT_MAX_LENGTH)
    if (link.model) modelId.value = link.model
    if (link.size && SIZES.some(s => s === link.size)) size.value = link.size
    if (Object.values(link).some(v => v !== undefined)) generation.clearFinished()
  }

  /** Settings kept from an earlier visit; the watchers above correct a model or ratio no longer offered. */
  function restoreDraft(saved: Partial<StudioDraft>) {
    if (saved.mode) mode.value = saved.mode
    if (saved.prompt !== undefined) prompt.value = saved.prompt
    if (saved.modelId) modelId.value = saved.modelId
    if (saved.size) size.value = saved.size
    if (saved.n) n.value = Math.min(MAX_BATCH, Math.max(1, saved.n))
  }

  /** Checks, scales down and adds files up to the model's limit; each refusal becomes the notice, translated. */
  async function addImages(files: File[]) {
    preparing.value = true
    try {
      for (const file of files) {
        if (imagesFull.value) {
          notice.value = t('studio.upload.tooMany', { n: maxImages.value })
          break
        }
        const problem = checkImageFile(file)
        if (problem === 'type') notice.value = t('studio.upload.badType', { name: file.name })
        else if (problem === 'size') notice.value = t('studio.upload.tooLarge', { name: file.name, mb: MAX_PICKED_IMAGE_BYTES / 1024 / 1024 })
        else await addImage(file)
      }
    }
    finally {
      preparing.value = false
    }
  }

  async function addImage(file: File) {
    try {
      const ready = await shrinkImage(file)
      images.value = [...images.value, { id: crypto.randomUUID(), file: ready.file, url: URL.createObjectURL(ready.file), width: ready.width, height: ready.height }]
      // The first reference sets the ratio to its own shape (the user may still pick another).
      if (images.value.length === 1 && matchedSize.value) size.value = matchedSize.value
    }
    catch {
      notice.value = t('studio.upload.unreadable', { name: file.name })
    }
  }

  function removeImage(id: string) {
    const gone = images.value.find(i => i.id === id)
    if (gone) URL.revokeObjectURL(gone.url)
    images.value = images.value.filter(i => i.id !== id)
  }

  /** The page's one answer to pasted or dropped image files: they become reference images, in image-to-image mode. */
  function takeImages(files: File[]) {
    mode.value = 'image-to-image'
    void addImages(files)
  }

  /** Brings a creation back as a reference image; false when it could not be fetched or there is no room. */
  async function addAsInput(creation: Creation) {
    mode.value = 'image-to-image'
    if (imagesFull.value) {
      notice.value = t('studio.upload.tooMany', { n: maxImages.value })
      return false
    }
    let file: File
    try {
      const blob = await (await fetch(creation.imageUrl)).blob()
      file = new File([blob], downloadName(creation), { type: blob.type })
    }
    catch {
      notice.value = t('errors.NETWORK_ERROR')
      return false
    }
    await addImages([file])
    return true
  }

  /** Starts a generation of the draft; false when it cannot start now. */
  function generate() {
    if (blocked.value || generation.sending) return false
    void generation.start({
      kind: mode.value,
      prompt: prompt.value.trim(),
      model: modelId.value,
      size: size.value,
      n: n.value,
      images: inImageMode.value ? images.value.map(i => i.file) : [],
    })
    return true
  }

  /** A creation's prompt, ratio and (when still offered) model, back in the draft. */
  function reuse(creation: Creation) {
    prompt.value = creation.prompt
    size.value = creation.size
    if (models.value.some(m => m.id === creation.modelUsed)) modelId.value = creation.modelUsed
  }

  /** The same settings as a creation, generated again. */
  function generateAgain(creation: Creation) {
    reuse(creation)
    return generate()
  }

  function reset() {
    for (const image of images.value) URL.revokeObjectURL(image.url)
    mode.value = 'text-to-image'
    prompt.value = ''
    modelId.value = ''
    size.value = DEFAULT_SIZE
    n.value = 1
    images.value = []
    notice.value = ''
  }

  return {
    mode, prompt, modelId, size, n, images, preparing, notice, models, sizes, maxImages, imagesFull, matchedSize, cost, total, blocked, draft,
    applyLink, restoreDraft, addImages, removeImage, takeImages, addAsInput, generate, reuse, generateAgain, reset,
  }
})
