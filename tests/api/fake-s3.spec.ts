import { Agent } from 'node:http'
import { Readable } from 'node:stream'
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException, type S3ClientConfig } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFakeS3, type FakeS3 } from '../support/fake-s3'

// The double is only worth something if it refuses what S3 refuses: a wrong key, no signature, a
// body that is not the one signed, a streamed upload's framing.
let s3: FakeS3
beforeAll(async () => {
  s3 = await startFakeS3()
})
afterAll(() => s3?.close())
beforeEach(() => {
  s3.objects.clear()
  s3.pageSize = 1000
})

function sdk(overrides: Partial<S3ClientConfig> = {}) {
  return new S3Client({
    endpoint: s3.url,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    maxAttempts: 1,
    ...overrides,
  })
}

/** The S3 error an SDK call ends with (fails the test when the call succeeds). */
async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(() => null, (e: unknown) => e)
  expect(error).toBeInstanceOf(S3ServiceException)
  const { name, $metadata } = error as S3ServiceException
  return { name, status: $metadata.httpStatusCode }
}

const bytes = Buffer.from('\x89PNG\r\n\x1a\n not really a picture, but bytes that must come back as sent')

describe('the fake S3 server', () => {
  it('serves correctly signed SDK requests: put, head, get, list in pages, delete', async () => {
    const client = sdk({ requestChecksumCalculation: 'WHEN_REQUIRED' })
    await client.send(new HeadBucketCommand({ Bucket: s3.bucket }))
    for (const key of ['a.png', 'b.png', 'c.png']) await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: bytes, ContentType: 'image/png' }))
    expect(s3.objects.get('a.png')).toMatchObject({ data: bytes, contentType: 'image/png' })
    expect(s3.requests.filter(r => r.method === 'PUT').every(r => r.signedPayload)).toBe(true)

    const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'a.png' }))
    expect(head).toMatchObject({ ContentLength: bytes.length, ContentType: 'image/png' })
    const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'a.png' }))
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(bytes)

    s3.pageSize = 2
    const first = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))
    expect(first.Contents!.map(o => o.Key)).toEqual(['a.png', 'b.png'])
    expect(first.IsTruncated).toBe(true)
    const second = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, ContinuationToken: first.NextContinuationToken }))
    expect(second.Contents!.map(o => o.Key)).toEqual(['c.png'])
    expect(second.IsTruncated).toBe(false)
    expect(second.Contents![0]!.LastModified).toBeInstanceOf(Date)

    await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: 'a.png' }))
    expect(s3.objects.has('a.png')).toBe(false)
    expect(await refusal(client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'a.png' })))).toEqual({ name: 'NoSuchKey', status: 404 })
    expect(await refusal(client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: 'a.png' })))).toMatchObject({ status: 404 })
    expect(await refusal(client.send(new GetObjectCommand({ Bucket: 'another-bucket', Key: 'b.png' })))).toEqual({ name: 'NoSuchBucket', status: 404 })
  })

  it('answers virtual-host addresses (<bucket>.localhost) as well', async () => {
    // Every name resolves to this machine, so <bucket>.localhost reaches the fake.
    const agent = new Agent({ lookup: (_host, _options, callback) => callback(null, [{ address: '127.0.0.1', family: 4 }]) })
    const client = sdk({ endpoint: s3.url.replace('127.0.0.1', 'localhost'), forcePathStyle: false, requestHandler: { httpAgent: agent } })
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'v.png', Body: bytes }))
    expect(s3.requests.at(-1)).toMatchObject({ style: 'virtual', bucket: s3.bucket, key: 'v.png', status: 200 })
    expect(s3.objects.get('v.png')?.data).toEqual(bytes)
    agent.destroy()
  })

  it('refuses a wrong secret, another key id and another region', async () => {
    expect(await refusal(sdk({ credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: `${s3.secretAccessKey}x` } }).send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'x.png', Body: bytes }))))
      .toEqual({ name: 'SignatureDoesNotMatch', status: 403 })
    expect(await refusal(sdk({ credentials: { accessKeyId: 'AKIAOTHERKEY00000000', secretAccessKey: s3.secretAccessKey } }).send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'x.png' }))))
      .toEqual({ name: 'InvalidAccessKeyId', status: 403 })
    expect(await refusal(sdk({ region: 'eu-west-1' }).send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'x.png', Body: bytes }))))
      .toEqual({ name: 'AuthorizationHeaderMalformed', status: 400 })
    // HEAD answers carry no body: the SDK sees the status alone.
    expect(await refusal(sdk({ credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: 'wrong' } }).send(new HeadBucketCommand({ Bucket: s3.bucket }))))
      .toMatchObject({ status: 403 })
    expect(s3.objects.size).toBe(0)
  })

  it('refuses unsigned (anonymous) requests', async () => {
    const put = await fetch(`${s3.url}/${s3.bucket}/x.png`, { method: 'PUT', body: bytes, headers: { 'Content-Type': 'image/png' } })
    expect(put.status).toBe(403)
    expect(await put.text()).toContain('<Code>AccessDenied</Code>')
    s3.objects.set('y.png', { data: bytes, contentType: 'image/png', lastModified: new Date() })
    expect((await fetch(`${s3.url}/${s3.bucket}/y.png`)).status).toBe(403)
    expect((await fetch(`${s3.url}/${s3.bucket}?list-type=2`)).status).toBe(403)
    expect(s3.objects.has('x.png')).toBe(false)
  })

  it('refuses a body that is not the one signed, and a header changed after signing', async () => {
    const tampered = sdk()
    // After signing (the deserialize step runs last, just before the request is sent).
    tampered.middlewareStack.add(next => (args) => {
      const request = args.request as { body: unknown }
      request.body = Buffer.from(bytes).fill(0x41, 0, 4)
      return next(args)
    }, { step: 'deserialize' })
    expect(await refusal(tampered.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 't.png', Body: bytes }))))
      .toEqual({ name: 'XAmzContentSHA256Mismatch', status: 400 })

    const retyped = sdk()
    retyped.middlewareStack.add(next => (args) => {
      const request = args.request as { headers: Record<string, string> }
      request.headers['content-type'] = 'text/html'
      return next(args)
    }, { step: 'deserialize' })
    expect(await refusal(retyped.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 't.png', Body: bytes, ContentType: 'image/png' }))))
      .toEqual({ name: 'SignatureDoesNotMatch', status: 403 })
    expect(s3.objects.has('t.png')).toBe(false)
  })

  it('checks the checksum headers it is sent', async () => {
    await sdk().send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'c.png', Body: bytes, ChecksumAlgorithm: 'CRC32' }))
    expect(s3.objects.get('c.png')?.data).toEqual(bytes)
    expect(await refusal(sdk().send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'd.png', Body: bytes, ContentMD5: Buffer.alloc(16).toString('base64') }))))
      .toEqual({ name: 'BadDigest', status: 400 })
    expect(s3.objects.has('d.png')).toBe(false)
  })

  it('refuses a streamed aws-chunked upload instead of storing its framing', async () => {
    // The SDK's default for a stream: aws-chunked, with a CRC trailer.
    const error = await refusal(sdk().send(new PutObjectCommand({ Bucket: s3.bucket, Key: 's.png', Body: Readable.from([bytes]), ContentLength: bytes.length })))
    expect(error).toEqual({ name: 'InvalidRequest', status: 400 })
    expect(s3.objects.has('s.png')).toBe(false)
  })
})
