import { MAX_INPUT_IMAGES, PROMPT_MAX_LENGTH } from '#shared/constants/catalog'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { useCatalogStore } from '~/stores/catalog'
import { useGenerationStore } from '~/stores/generation'
import { useStudioStore } from '~/stores/studio'
import { useUserStore } from '~/stores/user'
import { creation, user } from '../../support/nuxt'

// happy-dom decodes no images: every picture is 640 × 480 (a name with `tall` makes it 480 × 640),
// so none needs scaling down. Node's URL.createObjectURL takes none of happy-dom's files.
vi.stubGlobal('createImageBitmap', async (file: File) => (file.name.includes('tall') ? { width: 480, height: 640, close: () => undefined } : { width: 640, height: 480, close: () => undefined }))
let previews = 0
vi.spyOn(URL, 'createObjectURL').mockImplementation(() => `blob:preview-${++previews}`)

const png = (name: string) => new File(['png'], name, { type: 'image/png' })

function sending() {
  const generation = useGenerationStore()
  generation.runs = [{ id: 99, jobId: null, input: { kind: 'text-to-image', prompt: 'p', model: 'nano-banana', size: '1:1', n: 1 }, status: 'sending', startedAt: Date.now(), finishedAt: null, creations: [], failed: [], error: null, refunded: 0 }]
}
const ALL_SIZES = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9']

describe('studio store', () => {
  beforeEach(() => {
    const catalog = useCatalogStore()
    catalog.models = [
      { id: 'nano-banana', label: 'Nano Banana', cost: 1, supportsImageInput: true, maxInputImages: 3, sizes: ['1:1', '3:4', '4:3', '9:16', '16:9'] },
      { id: 'nano-banana-hd', label: 'Nano Banana HD', cost: 2, supportsImageInput: true, maxInputImages: 1, sizes: ['1:1', '16:9', '21:9'] },
      { id: 'words-only', label: 'Words only', cost: 1, supportsImageInput: false, maxInputImages: 0, sizes: ['1:1'] },
    ]
    catalog.sizes = ALL_SIZES
    catalog.loaded = true
    useUserStore().user = user({ credits: 3 })
    useGenerationStore().reset()
    useStudioStore().reset()
  })

  it('says why Generate cannot run, first things first: no models, too few credits (for one, then for the batch), no prompt, no reference image, too many for the model', async () => {
    const studio = useStudioStore()
    const catalog = useCatalogStore()
    const userStore = useUserStore()
    catalog.loaded = false
    userStore.setCredits(0)
    expect(studio.blocked).toBe('noModels')
    catalog.loaded = true
    expect(studio.blocked).toBe('credits')
    userStore.setCredits(3)
    studio.n = 4
    expect(studio.total).toBe(4)
    expect(studio.blocked).toBe('batchCredits')
    studio.n = 3
    expect(studio.blocked).toBe('prompt')
    studio.prompt = '  '
    expect(studio.blocked).toBe('prompt')
    studio.prompt = 'a cat'
    expect(studio.blocked).toBeNull()
    studio.mode = 'image-to-image'
    expect(studio.blocked).toBe('images')
    await studio.addImages([png('cat.png'), png('dog.png')])
    expect(studio.blocked).toBeNull()
    await nextTick()
    studio.n = 1
    studio.modelId = 'nano-banana-hd'
    expect(studio.cost).toBe(2)
    expect(studio.maxImages).toBe(1)
    expect(studio.blocked).toBe('tooManyImages')
    userStore.setCredits(1)
    expect(studio.blocked).toBe('credits')
  })

  it('generates the draft: the prompt trimmed, the batch size, the reference images only in image-to-image; nothing while blocked or sending', async () => {
    const studio = useStudioStore()
    const generation = useGenerationStore()
    const start = vi.spyOn(generation, 'start').mockResolvedValue()
    expect(studio.generate()).toBe(false)
    expect(start).not.toHaveBeenCalled()

    studio.prompt = '  a cat on a roof  '
    studio.n = 2
    await studio.addImages([png('cat.png')])
    studio.size = '16:9'
    await nextTick()
    expect(studio.generate()).toBe(true)
    expect(start).toHaveBeenLastCalledWith({ kind: 'text-to-image', prompt: 'a cat on a roof', model: 'nano-banana', size: '16:9', n: 2, images: [] })

    studio.mode = 'image-to-image'
    studio.generate()
    expect(start).toHaveBeenLastCalledWith({ kind: 'image-to-image', prompt: 'a cat on a roof', model: 'nano-banana', size: '16:9', n: 2, images: [studio.images[0]!.file] })

    sending()
    expect(studio.generate()).toBe(false)
    expect(start).toHaveBeenCalledTimes(2)
    start.mockRestore()
  })

  it('takes reference images up to the model\'s limit, photos up to 50 MB, and names each file it refuses', async () => {
    const studio = useStudioStore()
    await studio.addImages([new File(['gif'], 'old.gif', { type: 'image/gif' }), png('one.png')])
    expect(studio.images.map(i => i.file.name)).toEqual(['one.png'])
    expect(studio.notice).toBe('「old.gif」不是 PNG、JPEG 或 WebP 图片。')

    await studio.addImages([new File([new Uint8Array(50 * 1024 * 1024 + 1)], 'huge.png', { type: 'image/png' })])
    expect(studio.notice).toBe('「huge.png」超过 50 MB，请换一张较小的图片。')

    await studio.addImages([png('two.png'), png('three.png'), png('four.png')])
    expect(studio.images).toHaveLength(MAX_INPUT_IMAGES)
    expect(studio.imagesFull).toBe(true)
    expect(studio.notice).toBe('最多只能添加 3 张图片。')
    expect(studio.images[0]).toMatchObject({ width: 640, height: 480 })

    studio.removeImage(studio.images[1]!.id)
    expect(studio.images.map(i => i.file.name)).toEqual(['one.png', 'three.png'])

    studio.modelId = 'nano-banana-hd'
    await studio.addImages([png('five.png')])
    expect(studio.notice).toBe('最多只能添加 1 张图片。')
    expect(studio.images).toHaveLength(2)
  })

  it('offers only the chosen model\'s ratios, moving a ratio it does not make to the nearest one it does; only models that take images in image-to-image', async () => {
    const studio = useStudioStore()
    await nextTick()
    expect(studio.sizes).toEqual(['1:1', '3:4', '4:3', '9:16', '16:9'])
    studio.size = '16:9'
    studio.modelId = 'nano-banana-hd'
    await nextTick()
    expect(studio.sizes).toEqual(['1:1', '16:9', '21:9'])
    expect(studio.size).toBe('16:9')
    studio.size = '21:9'
    studio.modelId = 'nano-banana'
    await nextTick()
    expect(studio.size).toBe('16:9')

    expect(studio.models.map(m => m.id)).toEqual(['nano-banana', 'nano-banana-hd', 'words-only'])
    studio.mode = 'image-to-image'
    expect(studio.models.map(m => m.id)).toEqual(['nano-banana', 'nano-banana-hd'])
  })

  it('matches the ratio to the first reference image when it is added, and offers that match afterwards', async () => {
    const studio = useStudioStore()
    studio.mode = 'image-to-image'
    await studio.addImages([png('landscape.png')])
    expect(studio.matchedSize).toBe('4:3')
    expect(studio.size).toBe('4:3')
    // A later choice stands; a second image does not change the ratio.
    studio.size = '1:1'
    await studio.addImages([png('tall.png')])
    expect(studio.size).toBe('1:1')
    expect(studio.matchedSize).toBe('4:3')

    studio.removeImage(studio.images[0]!.id)
    expect(studio.matchedSize).toBe('3:4')
    studio.removeImage(studio.images[0]!.id)
    await studio.addImages([png('tall.png')])
    expect(studio.size).toBe('3:4')
  })

  it('turns pasted or dropped images into reference images in image-to-image mode, even while a generation runs', async () => {
    const studio = useStudioStore()
    sending()
    studio.takeImages([png('pasted.png')])
    expect(studio.mode).toBe('image-to-image')
    await vi.waitFor(() => expect(studio.images.map(i => i.file.name)).toEqual(['pasted.png']))
  })

  it('takes a remix link: the prompt cut to the limit, the model, a known ratio, the mode; finished runs go', async () => {
    const studio = useStudioStore()
    const generation = useGenerationStore()
    generation.runs = [{ id: 1, jobId: 1, input: { kind: 'text-to-image', prompt: 'old', model: 'nano-banana', size: '1:1', n: 1 }, status: 'succeeded', startedAt: 0, finishedAt: 1, creations: [creation(1)], failed: [], error: null, refunded: 0 }]
    studio.applyLink({ prompt: 'x'.repeat(PROMPT_MAX_LENGTH + 10), model: 'nano-banana-hd', size: '21:9', mode: 'image-to-image' })
    expect(studio.prompt).toHaveLength(PROMPT_MAX_LENGTH)
    expect(studio.modelId).toBe('nano-banana-hd')
    expect(studio.size).toBe('21:9')
    expect(studio.mode).toBe('image-to-image')
    expect(generation.lastResult).toBeNull()

    studio.applyLink({ size: 'wide', mode: 'sideways' })
    expect(studio.size).toBe('21:9')
    expect(studio.mode).toBe('image-to-image')
  })

  it('restores a saved draft, within the limits, and reports the draft to save', async () => {
    const studio = useStudioStore()
    studio.restoreDraft({ mode: 'image-to-image', prompt: 'kept', modelId: 'nano-banana-hd', size: '21:9', n: 9 })
    await nextTick()
    expect(studio.draft).toEqual({ mode: 'image-to-image', prompt: 'kept', modelId: 'nano-banana-hd', size: '21:9', n: 4 })
    studio.restoreDraft({ modelId: 'retired-model' })
    await nextTick()
    expect(studio.modelId).toBe('nano-banana')
    expect(studio.size).toBe('16:9')
  })

  it('reuses a creation\'s prompt, ratio and model, or generates it again', async () => {
    const studio = useStudioStore()
    const start = vi.spyOn(useGenerationStore(), 'start').mockResolvedValue()
    studio.reuse(creation(4, { prompt: 'reuse me', size: '9:16', modelUsed: 'nano-banana-hd' }))
    expect(studio.draft).toMatchObject({ prompt: 'reuse me', modelId: 'nano-banana-hd' })
    expect(start).not.toHaveBeenCalled()
    studio.generateAgain(creation(4, { prompt: 'again please', size: '16:9', modelUsed: 'nano-banana-hd' }))
    expect(start).toHaveBeenCalledWith({ kind: 'text-to-image', prompt: 'again please', model: 'nano-banana-hd', size: '16:9', n: 1, images: [] })
    start.mockRestore()
  })
})
