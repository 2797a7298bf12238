// S3-compatible image storage (issue 11): the built server with NUXT_S3_* pointed at a fake S3 that
// checks every signature and every body, against a fake model upstream.
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Creation } from '../../shared/types/api'
import { imageFiles } from '../support/db'
import { s3Env, startFakeS3, type FakeS3 } from '../support/fake-s3'
import { startFakeUpstream, upstreamEnv, type FakeUpstream } from '../support/fake-upstream'
import { OUTPUT_DIR, SERVER_NODE, signUp, startExpectingExit, startServer, tempDir, TEST_SECRET, type TestServer } from '../support/server'

let s3: FakeS3
let upstream: FakeUpstream
let server: TestServer

beforeAll(async () => {
  ;[s3, upstream] = await Promise.all([startFakeS3(), startFakeUpstream()])
  server = await startServer({ env: { ...upstreamEnv(upstream), ...s3Env(s3) } })
})
afterAll(async () => {
  await server?.stop()
  await Promise.all([s3?.close(), upstream?.close()])
})

const nameOf = (url: string) => url.slice(url.lastIndexOf('/') + 1)

async function waitFor(check: () => boolean, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} never happened`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

async function generate(on: TestServer, prompt: string) {
  const { api } = await signUp(on)
  const res = await api.raw<{ creation: Creation }>('/api/generate/text-to-image', { method: 'POST', body: { prompt } })
  expect(res.status, JSON.stringify(res._data)).toBe(200)
  return { api, creation: res._data!.creation }
}

/** An image's answer: its bytes and every header but those that differ per request. */
async function download(on: TestServer, url: string) {
  const res = await fetch(`${on.url}${url}`)
  const headers = Object.fromEntries([...res.headers].filter(([name]) => !['date', 'x-request-id'].includes(name)))
  return { status: res.status, headers, bytes: Buffer.from(await res.arrayBuffer()) }
}

/** The built command line with these settings only. */
function cli(env: Record<string, string>, ...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    execFile(SERVER_NODE, [join(OUTPUT_DIR, 'server/cli.mjs'), ...args], { cwd: tempDir(), env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    })
  })
}

const fixedEnv = () => ({ NUXT_DATA_DIR: tempDir(), NUXT_JWT_SECRET: TEST_SECRET })

describe('images in an S3-compatible bucket', () => {
  it('keeps a text-to-image picture and its thumbnail in the bucket, nothing in the data folder, and serves them as local storage does', async () => {
    const before = upstream.pictures.length
    const { creation } = await generate(server, 'a lighthouse at dusk')
    const [image, thumbnail] = [nameOf(creation.imageUrl), nameOf(creation.thumbnailUrl)]
    expect(upstream.pictures).toHaveLength(before + 1)
    expect(s3.objects.get(image)).toMatchObject({ data: upstream.pictures.at(-1), contentType: 'image/png' })
    await waitFor(() => s3.objects.has(thumbnail), 'the thumbnail upload')
    expect(s3.objects.get(thumbnail)!.contentType).toBe('image/webp')
    expect(await sharp(s3.objects.get(thumbnail)!.data).metadata()).toMatchObject({ format: 'webp', width: 256 })
    expect(imageFiles(server.dataDir)).toEqual([])
    // Every upload's SHA-256 was signed, and the fake refused nothing.
    const puts = s3.requests.filter(r => r.method === 'PUT')
    expect(puts.length).toBeGreaterThanOrEqual(2)
    expect(puts.every(r => r.signedPayload && r.status === 200)).toBe(true)

    // The same picture kept by a server with local storage answers with the same bytes and headers.
    const local = await startServer({ env: upstreamEnv(upstream) })
    try {
      const { creation: localCreation } = await generate(local, 'a lighthouse at dusk')
      for (const [url, localUrl, stored] of [[creation.imageUrl, localCreation.imageUrl, image], [creation.thumbnailUrl, localCreation.thumbnailUrl, thumbnail]] as const) {
        const fromBucket = await download(server, url)
        const fromDisk = await download(local, localUrl)
        expect(fromBucket.status).toBe(200)
        expect(fromBucket.bytes).toEqual(s3.objects.get(stored)!.data)
        expect(fromBucket.bytes).toEqual(fromDisk.bytes)
        expect(fromBucket.headers).toEqual(fromDisk.headers)
        expect(fromBucket.headers).toMatchObject({
          'content-type': stored.endsWith('.png') ? 'image/png' : 'image/webp',
          'content-length': String(fromBucket.bytes.length),
          'cache-control': 'private, max-age=31536000, immutable',
          'x-content-type-options': 'nosniff',
          'content-security-policy': 'default-src \'none\'; sandbox',
        })
      }
    }
    finally {
      await local.stop()
    }
    expect((await fetch(`${server.url}/images/AAAAAAAAAAAAAAAAAAAAAA.png`)).status).toBe(404)
  })

  it('makes a thumbnail deleted from the bucket again when it is asked for', async () => {
    const { creation } = await generate(server, 'a red kite')
    const thumbnail = nameOf(creation.thumbnailUrl)
    await waitFor(() => s3.objects.has(thumbnail), 'the thumbnail upload')
    s3.objects.delete(thumbnail)
    const res = await download(server, creation.thumbnailUrl)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('image/webp')
    expect((await sharp(res.bytes).metadata()).format).toBe('webp')
    expect(s3.objects.get(thumbnail)?.data).toEqual(res.bytes)
  })

  it('removes both objects when a creation is deleted', async () => {
    const { api, creation } = await generate(server, 'short-lived')
    const names = [nameOf(creation.imageUrl), nameOf(creation.thumbnailUrl)]
    await waitFor(() => s3.objects.has(names[1]!), 'the thumbnail upload')
    expect((await api.raw(`/api/gallery/${creation.id}`, { method: 'DELETE' })).status).toBe(204)
    expect(names.filter(name => s3.objects.has(name))).toEqual([])
    expect((await fetch(`${server.url}${creation.imageUrl}`)).status).toBe(404)
    expect((await fetch(`${server.url}${creation.thumbnailUrl}`)).status).toBe(404)
  })

  it('keeps an image-to-image result in the bucket', async () => {
    const { api } = await signUp(server)
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#3366aa' } }).png().toBuffer()
    const body = new FormData()
    body.append('prompt', 'as a woodcut')
    body.append('image', new Blob([new Uint8Array(photo)], { type: 'image/png' }), 'photo.png')
    const res = await api.raw<{ creation: Creation }>('/api/generate/image-to-image', { method: 'POST', body })
    expect(res.status, JSON.stringify(res._data)).toBe(200)
    expect(upstream.requests.at(-1)!.path).toBe('/v1/images/edits')
    const image = nameOf(res._data!.creation.imageUrl)
    expect(s3.objects.get(image)?.data).toEqual(upstream.pictures.at(-1))
    const served = await download(server, res._data!.creation.imageUrl)
    expect(served.bytes).toEqual(upstream.pictures.at(-1))
    expect(imageFiles(server.dataDir)).toEqual([])
  })

  it('removes objects no creation points to that are an hour old at start-up, and leaves the rest', async () => {
    const own = await startFakeS3({ bucket: 'orphans' })
    const dataDir = tempDir()
    const env = { ...upstreamEnv(upstream), ...s3Env(own) }
    let started = await startServer({ dataDir, env })
    const { creation } = await generate(started, 'kept')
    const kept = [nameOf(creation.imageUrl), nameOf(creation.thumbnailUrl)]
    await waitFor(() => own.objects.has(kept[1]!), 'the thumbnail upload')
    await started.stop({ keepData: true })

    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000)
    for (const object of own.objects.values()) object.lastModified = twoHoursAgo
    const put = (key: string, lastModified: Date) => own.objects.set(key, { data: Buffer.from('left behind'), contentType: 'image/png', lastModified })
    // Left by a crash two hours ago: removed. Written a moment ago: kept (a peer may be about to
    // record it). Not a name this app writes: never touched.
    put('ZZZZZZZZZZZZZZZZZZZZZZ.png', twoHoursAgo)
    put('ZZZZZZZZZZZZZZZZZZZZZZ_thumb.webp', twoHoursAgo)
    put('YYYYYYYYYYYYYYYYYYYYYY.png', new Date())
    put('someone-else/notes.txt', twoHoursAgo)
    // Pages of two keys: the listing must follow continuation tokens to see them all.
    own.pageSize = 2
    started = await startServer({ dataDir, env })
    expect([...own.objects.keys()].sort()).toEqual([...kept, 'YYYYYYYYYYYYYYYYYYYYYY.png', 'someone-else/notes.txt'].sort())
    expect(own.requests.some(r => r.method === 'GET' && r.query.includes('continuation-token'))).toBe(true)
    await started.stop()
    await own.close()
  })
})

describe('backup with S3 storage', () => {
  it('copies the database only, and lists the bucket to report pictures missing from it', async () => {
    const { creation } = await generate(server, 'backed up')
    const image = nameOf(creation.imageUrl)
    const env = { NUXT_DATA_DIR: server.dataDir, ...s3Env(s3) }
    const target = join(tempDir(), 'nightly')
    const backup = await cli(env, 'backup', target)
    expect(backup, backup.stderr).toMatchObject({ code: 0 })
    expect(backup.stdout).toMatch(/\d+ image files in the S3 bucket \(not copied/)
    expect(existsSync(join(target, 'nano-banana.db'))).toBe(true)
    expect(existsSync(join(target, 'images'))).toBe(false)
    expect(JSON.parse(readFileSync(join(target, 'backup.json'), 'utf8'))).toMatchObject({ imagesIn: 'bucket', missingImages: [] })

    const saved = s3.objects.get(image)!
    s3.objects.delete(image)
    try {
      const again = await cli(env, 'backup', join(tempDir(), 'again'))
      expect(again.code).toBe(0)
      expect(again.stdout).toContain(`1 pictures are not in the bucket: ${image}`)
    }
    finally {
      s3.objects.set(image, saved)
    }

    const restoredDir = join(tempDir(), 'restored')
    const restore = await cli({ ...env, NUXT_DATA_DIR: restoredDir }, 'restore', target)
    expect(restore, restore.stderr).toMatchObject({ code: 0 })
    expect(restore.stdout).toMatch(/image files in the S3 bucket/)
    expect(existsSync(join(restoredDir, 'nano-banana.db'))).toBe(true)
    expect(existsSync(join(restoredDir, 'images'))).toBe(false)
  })
})

describe('start-up with S3 settings', () => {
  it('refuses to start when the bucket refuses the keys, naming the settings to check and no secret', async () => {
    const wrong = 'wrong-secret-that-must-not-be-printed'
    const env = { ...fixedEnv(), ...s3Env(s3), NUXT_S3_SECRET_ACCESS_KEY: wrong }
    const { code, output } = await startExpectingExit({ env })
    expect(code).not.toBe(0)
    expect(output).toMatch(/S3 refused access to bucket "nano-banana-test".*NUXT_S3_ACCESS_KEY_ID and NUXT_S3_SECRET_ACCESS_KEY/)
    expect(output).not.toContain(wrong)
    expect(output).not.toContain(s3.secretAccessKey)
    expect(s3.requests.at(-1)).toMatchObject({ method: 'HEAD', code: 'SignatureDoesNotMatch' })
    expect(existsSync(join(env.NUXT_DATA_DIR, 'nano-banana.db'))).toBe(false)
  })

  it('refuses to start when the bucket does not exist', async () => {
    const { code, output } = await startExpectingExit({ env: { ...fixedEnv(), ...s3Env(s3), NUXT_S3_BUCKET: 'no-such-bucket' } })
    expect(code).not.toBe(0)
    expect(output).toMatch(/bucket "no-such-bucket" .*does not exist.*NUXT_S3_BUCKET/)
  })

  it.each([
    ['a bucket without keys', { NUXT_S3_BUCKET: 'pictures' }, /NUXT_S3_ACCESS_KEY_ID, NUXT_S3_SECRET_ACCESS_KEY are missing/],
    ['an endpoint alone', { NUXT_S3_ENDPOINT: 'http://127.0.0.1:9' }, /NUXT_S3_BUCKET, NUXT_S3_ACCESS_KEY_ID, NUXT_S3_SECRET_ACCESS_KEY are missing/],
    ['keys without a secret', { NUXT_S3_BUCKET: 'pictures', NUXT_S3_ACCESS_KEY_ID: 'AKIA' }, /NUXT_S3_SECRET_ACCESS_KEY is missing/],
    ['an endpoint with a password in it', { NUXT_S3_ENDPOINT: 'https://user:hunter2@s3.example.com', NUXT_S3_BUCKET: 'b', NUXT_S3_ACCESS_KEY_ID: 'k', NUXT_S3_SECRET_ACCESS_KEY: 's' }, /NUXT_S3_ENDPOINT must be the service's URL/],
  ])('refuses a partial setting: %s', async (_name, settings, message) => {
    const requests = s3.requests.length
    const { code, output } = await startExpectingExit({ env: { ...fixedEnv(), ...settings } })
    expect(code).not.toBe(0)
    expect(output).toMatch(message)
    expect(output).not.toContain('hunter2')
    expect(s3.requests).toHaveLength(requests)
  })
})
