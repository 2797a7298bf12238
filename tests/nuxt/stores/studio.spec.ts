import { MAX_INPUT_IMAGES, PROMPT_MAX_LENGTH } from '#shared/constants/catalog'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { useCatalogStore } from '~/stores/catalog'
import { useGenerationStore } from '~/stores/generation'
import { useStudioStore } from '~/stores/studio'
import { useUserStore } from '~/stores/user'
import { creation, user } from '../../support/nuxt'

// happy-dom decodes no images: every picture is 640 × 480, so none needs scaling down. Node's
// URL.createObjectURL takes none of happy-dom's files.
vi.stubGlobal('createImageBitmap', async () => ({ width: 640, height: 480, close: () => undefined }))
let previews = 0
vi.spyOn(URL, 'createObjectURL').mockImplementation(() => `blob:preview-${++previews}`)

const png = (name: string) => new File(['png'], name, { type: 'image/png' })

function running() {
  const generation = useGenerationStore()
  generation.runs = [{ id: 99, input: { kind: 'text-to-image', prompt: 'p', model: 'nano-banana', size: '1:1', images: [] }, status: 'running', startedAt: Date.now(), finishedAt: null, creation: null, error: null }]
}

describe('studio store', () => {
  beforeEach(() => {
    const catalog = useCatalogStore()
    catalog.models = [{ id: 'nano-banana', label: 'Nano Banana', cost: 1, supportsImageInput: true, maxInputImages: 3, sizes: ['1:1', '16:9'] }, { id: 'nano-banana-hd', label: 'Nano Banana HD', cost: 2, supportsImageInput: true, maxInputImages: 3, sizes: ['1:1', '16:9'] }]
    catalog.sizes = ['1:1', '9:16', '16:9']
    catalog.loaded = true
    useUserStore().user = user({ credits: 3 })
    useGenerationStore().reset()
    useStudioStore().reset()
  })

  it('says why Generate cannot run, first things first: no models, too few credits, no prompt, no reference image', async () => {
    const studio = useStudioStore()
    const catalog = useCatalogStore()
    const userStore = useUserStore()
    catalog.loaded = false
    userStore.setCredits(0)
    expect(studio.blocked).toBe('noModels')
    catalog.loaded = true
    expect(studio.blocked).toBe('credits')
    userStore.setCredits(1)
    expect(studio.blocked).toBe('prompt')
    studio.prompt = '  '
    expect(studio.blocked).toBe('prompt')
    studio.prompt = 'a cat'
    expect(studio.blocked).toBeNull()
    studio.mode = 'image-to-image'
    expect(studio.blocked).toBe('images')
    await studio.addImages([png('cat.png')])
    expect(studio.blocked).toBeNull()
    await nextTick()
    studio.modelId = 'nano-banana-hd'
    expect(studio.cost).toBe(2)
    expect(studio.blocked).toBe('credits')
  })

  it('generates the draft: the prompt trimmed, the reference images only in image-to-image, nothing while blocked or busy', async () => {
    const studio = useStudioStore()
    const generation = useGenerationStore()
    const start = vi.spyOn(generation, 'start').mockResolvedValue()
    studio.generate()
    expect(start).not.toHaveBeenCalled()

    studio.prompt = '  a cat on a roof  '
    studio.size = '16:9'
    await studio.addImages([png('cat.png')])
    await nextTick()
    studio.generate()
    expect(start).toHaveBeenLastCalledWith({ kind: 'text-to-image', prompt: 'a cat on a roof', model: 'nano-banana', size: '16:9', images: [] })

    studio.mode = 'image-to-image'
    studio.generate()
    expect(start).toHaveBeenLastCalledWith({ kind: 'image-to-image', prompt: 'a cat on a roof', model: 'nano-banana', size: '16:9', images: [studio.images[0]!.file] })

    running()
    studio.generate()
    expect(start).toHaveBeenCalledTimes(2)
    start.mockRestore()
  })

  it('takes reference images up to the limit, and names each file it refuses', async () => {
    const studio = useStudioStore()
    await studio.addImages([new File(['gif'], 'old.gif', { type: 'image/gif' }), png('one.png')])
    expect(studio.images.map(i => i.file.name)).toEqual(['one.png'])
    expect(studio.notice).toBe('「old.gif」不是 PNG、JPEG 或 WebP 图片。')

    await studio.addImages([new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'huge.png', { type: 'image/png' })])
    expect(studio.notice).toBe('「huge.png」超过 10 MB，请换一张较小的图片。')

    await studio.addImages([png('two.png'), png('three.png'), png('four.png')])
    expect(studio.images).toHaveLength(MAX_INPUT_IMAGES)
    expect(studio.imagesFull).toBe(true)
    expect(studio.notice).toBe('最多只能添加 3 张图片。')
    expect(studio.images[0]).toMatchObject({ width: 640, height: 480 })

    studio.removeImage(studio.images[1]!.id)
    expect(studio.images.map(i => i.file.name)).toEqual(['one.png', 'three.png'])
  })

  it('turns a pasted image into a reference image in image-to-image mode, but not while a generation runs', async () => {
    const studio = useStudioStore()
    running()
    expect(studio.pasteImages([png('pasted.png')])).toBe(false)
    expect(studio.mode).toBe('text-to-image')

    useGenerationStore().reset()
    expect(studio.pasteImages([png('pasted.png')])).toBe(true)
    expect(studio.mode).toBe('image-to-image')
    await vi.waitFor(() => expect(studio.images.map(i => i.file.name)).toEqual(['pasted.png']))
  })

  it('takes a remix link: the prompt cut to the limit, the model, a ratio the catalog offers, the mode; the last picture goes', async () => {
    const studio = useStudioStore()
    const generation = useGenerationStore()
    generation.runs = [{ id: 1, input: { kind: 'text-to-image', prompt: 'old', model: 'nano-banana', size: '1:1', images: [] }, status: 'succeeded', startedAt: 0, finishedAt: 1, creation: creation(1), error: null }]
    studio.applyLink({ prompt: 'x'.repeat(PROMPT_MAX_LENGTH + 10), model: 'nano-banana-hd', size: '9:16', mode: 'image-to-image' })
    expect(studio.prompt).toHaveLength(PROMPT_MAX_LENGTH)
    expect(studio.modelId).toBe('nano-banana-hd')
    expect(studio.size).toBe('9:16')
    expect(studio.mode).toBe('image-to-image')
    expect(generation.lastCreation).toBeNull()

    studio.applyLink({ size: '5:4', mode: 'sideways' })
    expect(studio.size).toBe('9:16')
    expect(studio.mode).toBe('image-to-image')
  })

  it('falls back to the first model when the chosen one is not offered', async () => {
    const studio = useStudioStore()
    studio.modelId = 'retired-model'
    await nextTick()
    expect(studio.modelId).toBe('nano-banana')
  })

  it('generates again from a creation: its prompt, ratio and model', async () => {
    const studio = useStudioStore()
    const start = vi.spyOn(useGenerationStore(), 'start').mockResolvedValue()
    studio.generateAgain(creation(4, { prompt: 'again please', size: '9:16', modelUsed: 'nano-banana-hd' }))
    expect(start).toHaveBeenCalledWith({ kind: 'text-to-image', prompt: 'again please', model: 'nano-banana-hd', size: '9:16', images: [] })
    start.mockRestore()
  })
})
