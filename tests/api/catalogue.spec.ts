// The model catalogue in the database, run by admins (issue 14).
import { describe, expect, it } from 'vitest'
import type { AdminModel, GenerateResponse, ModelsResponse } from '../../shared/types/api'
import { execute, ledgerOf, query } from '../support/db'
import { expectApiError } from '../support/expect'
import type { FakeUpstream } from '../support/fake-upstream'
import { withUpstreamServer } from '../support/fixtures'
import { client, signUp, type TestServer } from '../support/server'

const ADMIN = { email: 'catalogue-admin@example.com', password: 'catalogue-admin-1' }

let upstream: FakeUpstream
let server: TestServer
let admin: ReturnType<typeof client>
let adminId: number

withUpstreamServer({ timeoutMs: 10_000, env: { NUXT_ADMIN_EMAIL: ADMIN.email, NUXT_ADMIN_PASSWORD: ADMIN.password } }, async (started) => {
  ;({ upstream, server } = started)
  const login = await client(server)<{ token: string, user: { id: number } }>('/api/login', { method: 'POST', body: ADMIN })
  admin = client(server, login.token)
  adminId = login.user.id
})

function setCredits(userId: number, credits: number) {
  execute(server.dataDir, 'update users set credits = ? where id = ?', credits, userId)
}

const models = async () => (await client(server)<ModelsResponse>('/api/models')).models

describe('the catalogue', () => {
  it('starts with nano-banana and HD enabled, nano-banana-2 and Pro disabled, every one with the ten ratios', async () => {
    const all = (await admin<{ items: AdminModel[] }>('/api/admin/models')).items
    expect(all.map(m => [m.id, m.cost, m.enabled, m.mode])).toEqual([
      ['nano-banana', 1, true, 'images'],
      ['nano-banana-hd', 2, true, 'images'],
      ['nano-banana-2', 3, false, 'images'],
      ['nano-banana-pro', 5, false, 'images'],
    ])
    expect(all[0]!.sizes).toHaveLength(10)
    expect((await models()).map(m => m.id)).toEqual(['nano-banana', 'nano-banana-hd'])
  })

  it('refuses a disabled or unknown model with 400, like a size the model does not make', async () => {
    const { api, token } = await signUp(server)
    for (const model of ['nano-banana-pro', 'no-such-model']) {
      const error = expectApiError(await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'x', model } }), 400, 'VALIDATION_ERROR') as unknown as { details: { fields: Record<string, string[]> } }
      expect(Object.keys(error.details.fields)).toEqual(['model'])
    }
    expect((await client(server, token)<{ credits: number }>('/api/users/me')).credits).toBe(3)
  })

  it('shows an admin\'s changes in /api/models and in prices; a price change never touches past ledger rows', async () => {
    const { api, user } = await signUp(server)
    setCredits(user.id, 20)
    expect((await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'at the old price' } })).status).toBe(200)

    const enabled = await admin.raw<{ model: AdminModel }>('/api/admin/models/nano-banana-pro', { method: 'PATCH', body: { enabled: true, sizes: ['1:1', '16:9'], upstreamModel: 'gemini-3-pro-image-preview' } })
    expect(enabled.status).toBe(200)
    expect(enabled._data!.model).toMatchObject({ id: 'nano-banana-pro', enabled: true, cost: 5, sizes: ['1:1', '16:9'] })
    const repriced = await admin.raw('/api/admin/models/nano-banana', { method: 'PATCH', body: { cost: 2 } })
    expect(repriced.status).toBe(200)

    const listed = await models()
    expect(listed.map(m => [m.id, m.cost])).toEqual([['nano-banana', 2], ['nano-banana-hd', 2], ['nano-banana-pro', 5]])
    expect(listed.find(m => m.id === 'nano-banana-pro')!.sizes).toEqual(['1:1', '16:9'])

    const pro = await api.raw<GenerateResponse>('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'pro', model: 'nano-banana-pro', size: '16:9' } })
    expect(pro.status).toBe(200)
    expect(upstream.requests.at(-1)!.fields.model).toBe('gemini-3-pro-image-preview')
    expectApiError(await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'pro', model: 'nano-banana-pro', size: '4:3' } }), 400, 'VALIDATION_ERROR')
    expect((await api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'at the new price' } })).status).toBe(200)

    expect(ledgerOf(server.dataDir, user.id).map(r => r.delta)).toEqual([3, -1, -5, -2])
    expect((await api<{ credits: number }>('/api/users/me')).credits).toBe(20 - 1 - 5 - 2)
    await admin('/api/admin/models/nano-banana', { method: 'PATCH', body: { cost: 1 } })
  })

  it('adds a model, audited with the admin and the values, and refuses a taken id', async () => {
    const body = { id: 'nano-banana-2-4k', label: 'Nano Banana 2 (4K)', upstreamModel: 'nano-banana-2-4k', cost: 4, mode: 'chat', maxInputImages: 14, enabled: true }
    const created = await admin.raw<{ model: AdminModel }>('/api/admin/models', { method: 'POST', body })
    expect(created.status).toBe(201)
    expect(created._data!.model).toMatchObject({ ...body, supportsImageInput: true, sizes: expect.arrayContaining(['21:9']) })
    expectApiError(await admin.raw('/api/admin/models', { method: 'POST', body }), 400, 'VALIDATION_ERROR')
    expect((await models()).map(m => m.id)).toContain('nano-banana-2-4k')
    await admin('/api/admin/models/nano-banana-2-4k', { method: 'PATCH', body: { cost: 6 } })

    const audit = query<{ actor_id: number, action: string, target: string, details: string }>(server.dataDir, 'select actor_id, action, target, cast(details as text) as details from audit_log where target = ? order by id', 'model:nano-banana-2-4k')
    expect(audit.map(a => [a.actor_id, a.action])).toEqual([[adminId, 'model.create'], [adminId, 'model.update']])
    expect(JSON.parse(audit[1]!.details)).toEqual({ changed: { cost: { from: 4, to: 6 } } })
    await admin('/api/admin/models/nano-banana-2-4k', { method: 'PATCH', body: { enabled: false } })
  })

  it('lets image-to-image use only models that take images, and no more images than they take', async () => {
    await admin('/api/admin/models/nano-banana-hd', { method: 'PATCH', body: { maxInputImages: 0 } })
    await admin('/api/admin/models/nano-banana', { method: 'PATCH', body: { maxInputImages: 1 } })
    try {
      expect((await models()).find(m => m.id === 'nano-banana-hd')).toMatchObject({ supportsImageInput: false, maxInputImages: 0 })
      const { api } = await signUp(server)
      const sharp = (await import('sharp')).default
      const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#fff' } }).png().toBuffer()
      const form = (model: string, count: number) => {
        const f = new FormData()
        f.append('prompt', 'x')
        f.append('model', model)
        for (let i = 0; i < count; i++) f.append('image', new Blob([new Uint8Array(png)], { type: 'image/png' }), `${i}.png`)
        return f
      }
      expectApiError(await api.raw('/api/generate/image-to-image', { method: 'POST', body: form('nano-banana-hd', 1) }), 400, 'VALIDATION_ERROR')
      expectApiError(await api.raw('/api/generate/image-to-image', { method: 'POST', body: form('nano-banana', 2) }), 400, 'VALIDATION_ERROR')
      expect((await api.raw('/api/generate/image-to-image', { method: 'POST', body: form('nano-banana', 1) })).status).toBe(200)
    }
    finally {
      await admin('/api/admin/models/nano-banana-hd', { method: 'PATCH', body: { maxInputImages: 3 } })
      await admin('/api/admin/models/nano-banana', { method: 'PATCH', body: { maxInputImages: 3 } })
    }
  })
})

describe('the admin model routes', () => {
  it('are for admins only: 401 signed out, 403 for a user', async () => {
    const { api } = await signUp(server)
    for (const [method, path] of [['GET', '/api/admin/models'], ['POST', '/api/admin/models'], ['PATCH', '/api/admin/models/nano-banana']] as const) {
      expectApiError(await client(server).raw(path, { method, body: method === 'GET' ? undefined : { cost: 1 } }), 401, 'UNAUTHORIZED')
      expectApiError(await api.raw(path, { method, body: method === 'GET' ? undefined : { cost: 1 } }), 403, 'FORBIDDEN')
    }
  })

  it.each([
    ['a cost of 0', { cost: 0 }],
    ['a fractional cost', { cost: 1.5 }],
    ['15 input images', { maxInputImages: 15 }],
    ['an unknown mode', { mode: 'grpc' }],
    ['an unknown ratio', { sizes: ['1:1', '7:5'] }],
    ['no ratio', { sizes: [] }],
    ['nothing to change', {}],
  ])('refuses %s with 400 and changes nothing', async (_name, patch) => {
    const before = (await admin<{ items: AdminModel[] }>('/api/admin/models')).items.find(m => m.id === 'nano-banana')
    expectApiError(await admin.raw('/api/admin/models/nano-banana', { method: 'PATCH', body: patch }), 400, 'VALIDATION_ERROR')
    expect((await admin<{ items: AdminModel[] }>('/api/admin/models')).items.find(m => m.id === 'nano-banana')).toEqual(before)
  })

  it('answers 404 for an unknown model and 400 for an id that cannot be one', async () => {
    expectApiError(await admin.raw('/api/admin/models/no-such-model', { method: 'PATCH', body: { cost: 2 } }), 404, 'NOT_FOUND')
    expectApiError(await admin.raw('/api/admin/models/Bad%20Id', { method: 'PATCH', body: { cost: 2 } }), 400, 'VALIDATION_ERROR')
    expectApiError(await admin.raw('/api/admin/models', { method: 'POST', body: { id: 'UPPER', label: 'x', upstreamModel: 'x', cost: 1 } }), 400, 'VALIDATION_ERROR')
  })
})
