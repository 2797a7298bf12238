import { registerEndpoint } from '@nuxt/test-utils/runtime'
import { getQuery, setResponseHeader, setResponseStatus } from 'h3'
import { describe, expect, it } from 'vitest'
import { ref } from 'vue'
import { createError, refreshNuxtData } from '#app'
import { ApiRequestError, useApi } from '~/composables/useApi'
import { useApiFetch } from '~/composables/useApiFetch'
import { apiError } from '../../support/nuxt'

const asked: Record<string, unknown>[] = []
let version = 1

registerEndpoint('/api/things', (event) => {
  const query = getQuery(event)
  asked.push(query)
  return { version, page: Number(query.page ?? 1) }
})
// A proxy's own pages, as Nginx or a CDN send them when they answer for the app.
for (const status of [413, 502, 504]) {
  registerEndpoint(`/api/proxied-${status}`, (event) => {
    setResponseStatus(event, status)
    setResponseHeader(event, 'Content-Type', 'text/html')
    return `<html><body><center><h1>${status}</h1></center><hr><center>nginx</center></body></html>`
  })
}
registerEndpoint('/api/forbidden', (event) => {
  setResponseStatus(event, 403)
  return apiError('FORBIDDEN', 'no')
})

describe('useApiFetch', () => {
  it('fetches under its key, again when its query changes, and again on refreshNuxtData(key)', async () => {
    const page = ref(1)
    const { data, error } = useApiFetch<{ version: number, page: number }>('things', '/api/things', { query: () => ({ page: page.value }) })
    await expect.poll(() => data.value).toEqual({ version: 1, page: 1 })
    expect(error.value).toBeNull()

    page.value = 2
    await expect.poll(() => data.value).toEqual({ version: 1, page: 2 })

    version = 2
    await refreshNuxtData('things')
    expect(data.value).toEqual({ version: 2, page: 2 })
    expect(asked).toEqual([{ page: '1' }, { page: '2' }, { page: '2' }])
  })

  it('gives the API\'s error as an ApiRequestError with its code, status and translated message', async () => {
    const { data, error, pending } = useApiFetch('forbidden', '/api/forbidden')
    await expect.poll(() => error.value).not.toBeNull()
    expect(error.value).toBeInstanceOf(ApiRequestError)
    expect(error.value).toMatchObject({ code: 'FORBIDDEN', status: 403, message: '你没有权限执行此操作。' })
    expect(data.value).toBeNull()
    expect(pending.value).toBe(false)
  })

  it('fetches nothing while the URL is null', async () => {
    const before = asked.length
    const { data, pending } = useApiFetch('nothing', () => null)
    await expect.poll(() => pending.value).toBe(false)
    expect(data.value).toBeNull()
    expect(asked).toHaveLength(before)
  })
})

describe('toApiError', () => {
  it('reads an error that the server render handed to the browser (its data and status kept, its cause lost)', () => {
    const { toApiError } = useApi()
    const revived = createError({ statusCode: 402, message: 'Insufficient credits', data: apiError('INSUFFICIENT_CREDITS', 'server words') })
    expect(toApiError(revived)).toMatchObject({ code: 'INSUFFICIENT_CREDITS', status: 402, message: '积分不足，请联系管理员或使用兑换码充值。' })
    // What an ApiRequestError becomes when useAsyncData wraps it on the server and the payload carries it over.
    const original = new ApiRequestError('FORBIDDEN', 'x', 403, { why: 'role' })
    const carried = createError({ statusCode: original.status, message: original.message, data: original.data })
    expect(toApiError(carried)).toMatchObject({ code: 'FORBIDDEN', status: 403, details: { why: 'role' } })
  })

  it('tells a proxy\'s own error pages by their status: too large, unavailable, and a timeout that does not promise a refund', async () => {
    const { api } = useApi()
    const failure = (url: string) => api(url).then(() => undefined, (error: unknown) => error as ApiRequestError)
    expect(await failure('/api/proxied-413')).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413, message: '文件太大：每张图片不能超过 10 MB。' })
    expect(await failure('/api/proxied-502')).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 502 })
    const timeout = await failure('/api/proxied-504')
    expect(timeout).toMatchObject({ code: 'PROXY_TIMEOUT', status: 504 })
    expect(timeout!.message).toContain('画廊')
    expect(timeout!.message).not.toContain('退回')
  })

  it('names the shared upload limit in the too-large message', () => {
    const { toApiError } = useApi()
    const tooLarge = createError({ statusCode: 413, data: apiError('PAYLOAD_TOO_LARGE') })
    expect(toApiError(tooLarge).message).toBe('文件太大：每张图片不能超过 10 MB。')
  })
})
