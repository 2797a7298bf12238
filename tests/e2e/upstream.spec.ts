import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { closeAll, creditsShown, loadedImageSize, shot, useBrowserServer } from '../support/e2e'
import { startFakeUpstream, upstreamEnv, type FakeUpstream } from '../support/fake-upstream'

// The studio against an OpenAI-compatible upstream (the tests' fake, over HTTP) instead of the demo provider.
let upstream: FakeUpstream
const web = useBrowserServer(async () => {
  upstream = await startFakeUpstream()
  return { env: upstreamEnv(upstream, 2000) }
})
afterAll(() => upstream?.close())

describe('the studio on a real provider', () => {
  it('shows no demo badge, sends a valid request and shows the image', async () => {
    const { context, page } = await web.signedIn()
    upstream.queue.push({ kind: 'b64' })
    await page.goto(`${web.server.url}/studio`)
    await page.getByTestId('credits-badge').waitFor()
    expect(await page.getByTestId('demo-badge').count()).toBe(0)

    const before = upstream.requests.length
    await page.getByLabel('提示词', { exact: true }).fill('港口的清晨，渔船归来')
    await page.getByTestId('size-3:2').click()
    await page.getByTestId('generate').click()
    await loadedImageSize(page, 'result-image')
    expect(await creditsShown(page)).toBe('2')
    const sent = upstream.requests.slice(before)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.schemaErrors).toEqual([])
    expect(sent[0]!.fields).toMatchObject({ prompt: '港口的清晨，渔船归来', model: 'nano-banana', size: '3x2' })
    await closeAll(context)
  })

  it.each([
    ['a content-policy refusal', { kind: 'status', status: 400, code: 'content_policy_violation', message: 'blocked' } as const, '模型拒绝了这个请求'],
    ['an upstream 500', { kind: 'status', status: 500 } as const, '图片服务暂时出错'],
    ['an upstream 429', { kind: 'status', status: 429 } as const, '请求过于频繁'],
    ['no answer in time', { kind: 'hang' } as const, '图片服务响应超时'],
  ])('explains %s in words, keeps the credits, and lets the user try again', async (_name, behaviour, message) => {
    const { context, page, account } = await web.signedIn()
    upstream.queue.push(behaviour)
    await page.goto(`${web.server.url}/studio`)
    await page.getByLabel('提示词', { exact: true }).fill('一座会发光的城堡')
    await page.getByTestId('generate').click()
    await expect.poll(() => page.getByTestId('studio-error').textContent(), { timeout: 15_000 }).toContain(message)
    expect(await creditsShown(page)).toBe('3')
    expect((await account.api<{ credits: number }>('/api/users/me')).credits).toBe(3)
    expect(await page.getByTestId('generate').isDisabled()).toBe(false)
    if (behaviour.kind === 'hang') await shot(page, 'studio-error-desktop')

    upstream.queue.push({ kind: 'b64' })
    await page.getByTestId('generate').click()
    await loadedImageSize(page, 'result-image')
    expect(await page.getByTestId('studio-error').count()).toBe(0)
    expect(await creditsShown(page)).toBe('2')
    await closeAll(context)
  })

  it('uploads the chosen image as the edit request\'s image part', async () => {
    const { context, page } = await web.signedIn()
    upstream.queue.push({ kind: 'b64' })
    const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 10, g: 200, b: 90 } } }).jpeg().toBuffer()
    await page.goto(`${web.server.url}/studio`)
    await page.getByTestId('mode-image-to-image').click()
    await page.getByTestId('image-input').setInputFiles([{ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: photo }])
    await expect.poll(() => page.getByTestId('input-image').count()).toBe(1)
    await page.getByLabel('提示词', { exact: true }).fill('改成水彩画风格')
    const before = upstream.requests.length
    await page.getByTestId('generate').click()
    await loadedImageSize(page, 'result-image')
    const sent = upstream.requests.slice(before)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.path).toContain('/v1/images/edits')
    expect(sent[0]!.schemaErrors).toEqual([])
    expect(sent[0]!.files).toHaveLength(1)
    const meta = await sharp(sent[0]!.files[0]!.data).metadata()
    expect([meta.width, meta.height]).toEqual([640, 480])
    await closeAll(context)
  }, 120_000) // an image-to-image generation end to end: it waits up to a minute for the picture under CI's load
})
