// The Pinia stores, run in plain Node against the real built server, with Nuxt's auto-imports (ref,
// computed, useApi, useAuth) provided as globals. tests/nuxt/ runs them inside a Nuxt app instead.
import type { Creation } from '#shared/types/api'
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { FetchError, ofetch } from 'ofetch'
import { createPinia, setActivePinia } from 'pinia'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { computed, ref } from 'vue'
import { ApiRequestError } from '../../../app/composables/useApi'
import { useCatalogStore } from '../../../app/stores/catalog'
import { useGalleryStore } from '../../../app/stores/gallery'
import { useUserStore } from '../../../app/stores/user'
import { signUp, startServer, type TestServer } from '../../support/server'

let server: TestServer
let account: Awaited<ReturnType<typeof signUp>>
const calls: string[] = []
/** The session the fake sends: the account's token (a browser sends its cookie instead). */
let session: string | undefined

/** useApi as the app has it, minus translation: the session sent, the error code and status kept. */
function fakeUseApi() {
  return {
    async api<T>(url: string, options: Record<string, unknown> = {}) {
      calls.push(`${(options.method as string | undefined) ?? 'GET'} ${url} ${JSON.stringify(options.query ?? options.body ?? {})}`)
      try {
        return await ofetch<T>(url, { ...options, baseURL: server.url, headers: session ? { Authorization: `Bearer ${session}` } : {}, retry: 0 })
      }
      catch (error) {
        const code = error instanceof FetchError ? (error.data as { error?: { code?: string } })?.error?.code : undefined
        throw new ApiRequestError(code ?? 'NETWORK_ERROR', code ?? 'NETWORK_ERROR', error instanceof FetchError ? error.statusCode ?? 0 : 0)
      }
    },
  }
}

beforeAll(async () => {
  server = await startServer()
  account = await signUp(server)
  // More than the three signup credits, for four creations.
  const db = new Database(join(server.dataDir, 'nano-banana.db'))
  db.prepare('update users set credits = 10 where id = ?').run(account.user.id)
  db.close()
  // Three creations, oldest first.
  for (const prompt of ['first', 'second', 'third']) {
    const res = await account.api.raw('/api/generate/text-to-image', { method: 'POST', body: { prompt } })
    expect(res.status).toBe(200)
  }
  vi.stubGlobal('ref', ref)
  vi.stubGlobal('computed', computed)
  vi.stubGlobal('useApi', fakeUseApi)
  vi.stubGlobal('ApiRequestError', ApiRequestError)
})
afterAll(async () => {
  vi.unstubAllGlobals()
  await server?.stop()
})
beforeEach(() => {
  setActivePinia(createPinia())
  calls.length = 0
  session = account.token
})

describe('gallery store', () => {
  it('pages through the gallery with the cursor, newest first, and knows when it has reached the end', async () => {
    const gallery = useGalleryStore()
    gallery.pageSize = 2
    expect(gallery.hasMore).toBe(true)

    await gallery.loadMore()
    expect(gallery.items.map(c => c.prompt)).toEqual(['third', 'second'])
    expect(gallery.cursor).toBe(String(gallery.items[1]!.id))
    expect(gallery.hasMore).toBe(true)

    await gallery.loadMore()
    expect(gallery.items.map(c => c.prompt)).toEqual(['third', 'second', 'first'])
    expect(gallery.cursor).toBeNull()
    expect(gallery.hasMore).toBe(false)

    // At the end, asking again costs nothing.
    await gallery.loadMore()
    expect(calls).toHaveLength(2)
    expect(calls[1]).toContain(`"cursor":"${gallery.items[1]!.id}"`)
  })

  it('sends one request when asked twice at once (scrolling fires the observer repeatedly)', async () => {
    const gallery = useGalleryStore()
    await Promise.all([gallery.loadMore(), gallery.loadMore(), gallery.loadMore()])
    expect(calls).toHaveLength(1)
    expect(gallery.items).toHaveLength(3)
    expect(gallery.loading).toBe(false)
  })

  it('puts a new creation first once loaded, without duplicating it when a later page brings it again', async () => {
    const gallery = useGalleryStore()
    const res = await account.api<{ creation: Creation }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'fourth' } })
    expect(res.creation.prompt).toBe('fourth')
    // Not loaded yet: the first page will bring it, so nothing is added by hand.
    gallery.prepend(res.creation)
    expect(gallery.items).toEqual([])

    gallery.pageSize = 1
    await gallery.loadMore()
    expect(gallery.items.map(c => c.prompt)).toEqual(['fourth'])
    gallery.prepend(res.creation)
    expect(gallery.items).toHaveLength(1)
  })

  it('deletes through the API and drops the item; a failure keeps it and reports the code', async () => {
    const gallery = useGalleryStore()
    await gallery.loadMore()
    const victim = gallery.items[0]!
    await gallery.remove(victim.id)
    expect(gallery.items.some(c => c.id === victim.id)).toBe(false)
    expect((await account.api.raw(`/api/gallery/${victim.id}`)).status).toBe(404)

    const next = gallery.items[0]!
    await account.api(`/api/gallery/${next.id}`, { method: 'DELETE' })
    await expect(gallery.remove(next.id)).rejects.toThrow('NOT_FOUND')
    expect(gallery.items[0]!.id).toBe(next.id)
  })

  it('keeps an error for the page to show, and can try again', async () => {
    const gallery = useGalleryStore()
    gallery.pageSize = 0 // the server refuses a limit of 0
    await gallery.loadMore()
    expect(gallery.error).toBe('VALIDATION_ERROR')
    expect(gallery.loading).toBe(false)
    expect(gallery.loaded).toBe(false)
    gallery.pageSize = 24
    await gallery.loadMore()
    expect(gallery.error).toBeNull()
    expect(gallery.items.length).toBeGreaterThan(0)
  })

  it('brings in creations made elsewhere and drops ones deleted elsewhere when the gallery is visited again', async () => {
    const gallery = useGalleryStore()
    await gallery.loadMore()
    const before = gallery.items.map(c => c.id)
    const made = await account.api<{ creation: Creation }>('/api/generate/text-to-image', { method: 'POST', body: { prompt: 'from another tab' } })
    await account.api(`/api/gallery/${before[1]}`, { method: 'DELETE' })

    await gallery.refreshNewest()
    expect(gallery.items[0]!.id).toBe(made.creation.id)
    expect(gallery.items.map(c => c.id)).toEqual([made.creation.id, ...before.filter(id => id !== before[1])])
  })

  it('forgets everything on reset (sign-out)', async () => {
    const gallery = useGalleryStore()
    await gallery.loadMore()
    gallery.reset()
    expect(gallery.items).toEqual([])
    expect(gallery.loaded).toBe(false)
    expect(gallery.hasMore).toBe(true)
  })
})

describe('catalog store', () => {
  it('loads the models once, with their costs and the demo provider', async () => {
    const catalog = useCatalogStore()
    expect(catalog.isDemo).toBe(false)
    await catalog.load()
    await catalog.load()
    expect(calls.filter(c => c.includes('/api/models'))).toHaveLength(1)
    expect(catalog.isDemo).toBe(true)
    expect(catalog.model('nano-banana-hd')?.cost).toBe(2)
    expect(catalog.model('nope')).toBeUndefined()
    expect(catalog.sizes).toContain('16:9')
    catalog.clear()
    expect(catalog.loaded).toBe(false)
  })
})

describe('user store', () => {
  it('learns the signed-in user from the server and updates the credit count at once from a generation response', async () => {
    const user = useUserStore()
    expect(user.user).toBeNull()
    await user.refresh()
    expect(user.user?.email).toBe(account.email)
    const db = new Database(join(server.dataDir, 'nano-banana.db'), { readonly: true })
    const { credits } = db.prepare('select credits from users where id = ?').get(account.user.id) as { credits: number }
    db.close()
    expect(user.credits).toBe(credits)
    expect(credits).toBeGreaterThan(1)
    expect(user.isAdmin).toBe(false)
    user.setCredits(1)
    expect(user.credits).toBe(1)
  })

  it('signs in asking for the session cookie only, so the answer holds the user and no token', async () => {
    session = undefined
    const user = useUserStore()
    await user.signIn({ email: account.email, password: account.password })
    expect(calls.at(-1)).toContain('"cookieOnly":true')
    expect(user.user?.email).toBe(account.email)
    expect(JSON.stringify(user.user)).not.toContain('token')
  })

  it('has no user, no credits and no admin rights once the server says the session has ended', async () => {
    const user = useUserStore()
    await user.refresh()
    expect(user.user).not.toBeNull()
    session = 'not-a-session'
    await user.refresh()
    expect(user.user).toBeNull()
    expect(user.credits).toBe(0)
    user.setCredits(5)
    expect(user.credits).toBe(0)
    expect(user.isAdmin).toBe(false)
  })

  it('knows an admin', async () => {
    const db = new Database(join(server.dataDir, 'nano-banana.db'))
    db.prepare('update users set role = \'admin\' where id = ?').run(account.user.id)
    db.close()
    const user = useUserStore()
    await user.refresh()
    expect(user.isAdmin).toBe(true)
    const reset = new Database(join(server.dataDir, 'nano-banana.db'))
    reset.prepare('update users set role = \'user\' where id = ?').run(account.user.id)
    reset.close()
  })
})
