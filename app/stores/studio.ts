import { DEFAULT_SIZE, GENERATION_KINDS, MAX_INPUT_IMAGE_BYTES, MAX_INPUT_IMAGES, PROMPT_MAX_LENGTH, SIZES, type GenerationKind } from '#shared/constants/catalog'
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
export type GenerateBlock = 'noModels' | 'credits' | 'prompt' | 'images'

const queryText = (value: unknown) => (typeof value === 'string' ? value : undefined)
const isKind = (value: unknown): value is GenerationKind => GENERATION_KINDS.some(kind => kind === value)

/** The studio's draft (mode, prompt, model, ratio, reference images), kept while the user visits other pages. */
export const useStudioStore = defineStore('studio', () => {
  const { t } = useNuxtApp().$i18n
  const catalog = useCatalogStore()
  const userStore = useUserStore()
  const generation = useGenerationStore()

  const mode = ref<GenerationKind>('text-to-image')
  const prompt = ref('')
  const modelId = ref('')
  const size = ref<string>(DEFAULT_SIZE)
  const images = ref<SelectedImage[]>([])
  const preparing = ref(false)
  /** The last thing worth telling about the reference images (a refused file, too many). */
  const notice = ref('')

  const sizes = computed(() => (catalog.sizes.length ? catalog.sizes : [...SIZES]))
  const models = computed(() => catalog.models.filter(m => mode.value === 'text-to-image' || m.supportsImageInput))
  const cost = computed(() => catalog.model(modelId.value)?.cost ?? 1)
  const imagesFull = computed(() => images.value.length >= MAX_INPUT_IMAGES)
  const blocked = computed<GenerateBlock | null>(() => {
    if (!catalog.loaded) return 'noModels'
    if (userStore.credits < cost.value) return 'credits'
    if (!prompt.value.trim()) return 'prompt'
    if (mode.value === 'image-to-image' && !images.value.length) return 'images'
    return null
  })

  // A remembered or prefilled model that does not exist (or takes no images in this mode) falls back to the first.
  watchEffect(() => {
    if (models.value.length && !models.value.some(m => m.id === modelId.value)) modelId.value = models.value[0]!.id
  })

  /** A remix link (`/studio?prompt=…&model=…&size=…`) replaces the draft and what the studio shows. */
  function applyLink(query: LocationQuery) {
    const link = { mode: queryText(query.mode), prompt: queryText(query.prompt), model: queryText(query.model), size: queryText(query.size) }
    if (isKind(link.mode)) mode.value = link.mode
    if (link.prompt !== undefined) prompt.value = link.prompt.slice(0, PROMPT_MAX_LENGTH)
    if (link.model) modelId.value = link.model
    if (link.size && sizes.value.includes(link.size)) size.value = link.size
    if (Object.values(link).some(v => v !== undefined)) generation.clearFinished()
  }

  /** Checks, scales down and adds files up to the limit; each refusal becomes the notice, translated. */
  async function addImages(files: File[]) {
    preparing.value = true
    try {
      for (const file of files) {
        if (imagesFull.value) {
          notice.value = t('studio.upload.tooMany', { n: MAX_INPUT_IMAGES })
          break
        }
        const problem = checkImageFile(file)
        if (problem === 'type') notice.value = t('studio.upload.badType', { name: file.name })
        else if (problem === 'size') notice.value = t('studio.upload.tooLarge', { name: file.name, mb: MAX_INPUT_IMAGE_BYTES / 1024 / 1024 })
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

  /** The page's one answer to a pasted image: it becomes a reference image, in image-to-image mode. */
  function pasteImages(files: File[]) {
    if (generation.busy) return false
    mode.value = 'image-to-image'
    void addImages(files)
    return true
  }

  /** Brings a creation back as a reference image; false when it could not be fetched or there is no room. */
  async function addAsInput(creation: Creation) {
    if (imagesFull.value) {
      notice.value = t('studio.upload.tooMany', { n: MAX_INPUT_IMAGES })
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
    mode.value = 'image-to-image'
    await addImages([file])
    return true
  }

  function generate() {
    if (blocked.value || generation.busy) return
    void generation.start({
      kind: mode.value,
      prompt: prompt.value.trim(),
      model: modelId.value,
      size: size.value,
      images: mode.value === 'image-to-image' ? images.value.map(i => i.file) : [],
    })
  }

  /** The same prompt, ratio and (when still offered) model as a creation, generated again. */
  function generateAgain(creation: Creation) {
    prompt.value = creation.prompt
    size.value = creation.size
    if (models.value.some(m => m.id === creation.modelUsed)) modelId.value = creation.modelUsed
    generate()
  }

  function reset() {
    for (const image of images.value) URL.revokeObjectURL(image.url)
    mode.value = 'text-to-image'
    prompt.value = ''
    modelId.value = ''
    size.value = DEFAULT_SIZE
    images.value = []
    notice.value = ''
  }

  return {
    mode, prompt, modelId, size, images, preparing, notice, sizes, models, cost, imagesFull, blocked,
    applyLink, addImages, removeImage, pasteImages, addAsInput, generate, generateAgain, reset,
  }
})
