import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { crc32 } from 'node:zlib'

/**
 * A stand-in for an S3-compatible service, over real HTTP, strict where S3 is strict: every request
 * must carry a valid AWS Signature Version 4 (recomputed here with node:crypto, independently of the
 * SDK that made it), every body must match the SHA-256 that was signed for it, and streamed
 * `aws-chunked` uploads are refused rather than stored with their framing. It keeps one bucket; the
 * operations are the ones the app uses: HeadBucket, PutObject, GetObject, HeadObject, DeleteObject,
 * ListObjectsV2. Path-style (`/<bucket>/<key>`) and virtual-host (`<bucket>.localhost`) addresses.
 */
interface FakeObject {
  data: Buffer
  contentType: string
  /** Settable by a test, to make an object look old. */
  lastModified: Date
}

interface FakeS3Request {
  method: string
  bucket: string
  key: string
  query: string
  /** `virtual`: the bucket came in the host name. */
  style: 'path' | 'virtual'
  status: number
  /** S3's error code when refused. */
  code?: string
  /** Whether the body's SHA-256 was signed (false for `UNSIGNED-PAYLOAD`). */
  signedPayload: boolean
}

export interface FakeS3 {
  url: string
  bucket: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  /** The bucket's objects by key. */
  objects: Map<string, FakeObject>
  requests: FakeS3Request[]
  /** The most keys one ListObjectsV2 page holds (S3's is 1000): small, to make callers page. */
  pageSize: number
  close: () => Promise<void>
}

const MAX_SKEW_MS = 15 * 60_000

class S3Error extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message)
  }
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest()
const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, c => `&#${c.charCodeAt(0)};`)

/** RFC 3986 encoding, as SigV4's canonical query string wants it. */
function strictEncode(s: string) {
  return encodeURIComponent(s).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

function canonicalQuery(query: string) {
  if (!query) return ''
  return query.split('&').filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=')
      const [k, v] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)]
      return [strictEncode(decodeURIComponent(k)), strictEncode(decodeURIComponent(v))] as const
    })
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/

interface Signed { rawPath: string, query: string, payloadHash: string }

/** Checks the request's SigV4 signature the way S3 does; throws S3's error when it does not hold. */
function verifySignature(req: IncomingMessage, fake: FakeS3, { rawPath, query, payloadHash }: Signed) {
  const authorization = req.headers.authorization
  if (!authorization) {
    if (/X-Amz-Signature=/i.test(query)) throw new S3Error(403, 'AccessDenied', 'Query-string (presigned) authentication is not accepted by this fake.')
    throw new S3Error(403, 'AccessDenied', 'Anonymous access is forbidden for this bucket.')
  }
  const match = AUTHORIZATION.exec(authorization)
  if (!match) throw new S3Error(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed.')
  const [, accessKeyId, day, region, service, signedHeaderList, signature] = match as unknown as string[]
  if (accessKeyId !== fake.accessKeyId) throw new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.')
  if (service !== 's3') throw new S3Error(400, 'AuthorizationHeaderMalformed', `The service ${service} is wrong; expecting s3.`)
  if (region !== fake.region) throw new S3Error(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${region}' is wrong; expecting '${fake.region}'.`)
  const amzDate = String(req.headers['x-amz-date'] ?? '')
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== day) throw new S3Error(403, 'AccessDenied', 'X-Amz-Date is missing or does not match the credential scope.')
  const signedAt = Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15))
  if (Math.abs(Date.now() - signedAt) > MAX_SKEW_MS) throw new S3Error(403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.')

  const signedHeaders = signedHeaderList!.split(';')
  for (const required of ['host', 'x-amz-content-sha256', 'x-amz-date']) {
    if (!signedHeaders.includes(required)) throw new S3Error(403, 'AccessDenied', `The header ${required} must be signed.`)
  }
  for (const name of Object.keys(req.headers)) {
    if (name.startsWith('x-amz-') && !signedHeaders.includes(name)) throw new S3Error(403, 'AccessDenied', `There were headers present in the request which were not signed: ${name}`)
  }
  const canonicalHeaders = signedHeaders.map((name) => {
    const value = req.headers[name]
    if (value === undefined) throw new S3Error(403, 'AccessDenied', `The signed header ${name} is not in the request.`)
    return `${name}:${[value].flat().join(',').trim().replace(/\s+/g, ' ')}\n`
  }).join('')
  const canonicalRequest = [req.method, rawPath, canonicalQuery(query), canonicalHeaders, signedHeaderList, payloadHash].join('\n')
  const scope = `${day}/${region}/s3/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n')
  const key = hmac(hmac(hmac(hmac(`AWS4${fake.secretAccessKey}`, day!), region!), 's3'), 'aws4_request')
  const expected = hmac(key, stringToSign)
  const given = Buffer.from(signature!, 'hex')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new S3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.')
  }
}

/** The body must be what was signed and what any checksum header says; streamed framings are refused. */
function verifyPayload(req: IncomingMessage, body: Buffer): boolean {
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '')
  if (!payloadHash) throw new S3Error(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256')
  if (payloadHash.startsWith('STREAMING-') || /aws-chunked/i.test(String(req.headers['content-encoding'] ?? ''))) {
    throw new S3Error(400, 'InvalidRequest', `Streamed aws-chunked uploads (${payloadHash}) are not accepted by this fake: send the body whole, with its SHA-256.`)
  }
  const signedPayload = payloadHash !== 'UNSIGNED-PAYLOAD'
  if (signedPayload && payloadHash !== sha256(body)) {
    throw new S3Error(400, 'XAmzContentSHA256Mismatch', 'The provided \'x-amz-content-sha256\' header does not match what was computed.')
  }
  const md5 = req.headers['content-md5']
  if (md5 !== undefined && md5 !== createHash('md5').update(body).digest('base64')) throw new S3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.')
  for (const [name, value] of Object.entries(req.headers)) {
    // x-amz-checksum-mode asks for the stored checksums back; -type says how a multipart one was made.
    if (!name.startsWith('x-amz-checksum-') || name === 'x-amz-checksum-mode' || name === 'x-amz-checksum-type') continue
    const algorithm = name.slice('x-amz-checksum-'.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    const actual = algorithm === 'crc32'
      ? crc.toString('base64')
      : algorithm === 'sha1' || algorithm === 'sha256'
        ? createHash(algorithm).update(body).digest('base64')
        : undefined
    if (actual === undefined) throw new S3Error(400, 'InvalidRequest', `The checksum ${algorithm} is not supported by this fake.`)
    if (actual !== value) throw new S3Error(400, 'BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`)
  }
  return signedPayload
}

function errorXml(error: S3Error, resource: string) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${xmlEscape(error.message)}</Message><Resource>${xmlEscape(resource)}</Resource><RequestId>${randomBytes(8).toString('hex')}</RequestId></Error>`
}

function listXml(fake: FakeS3, params: URLSearchParams) {
  const prefix = params.get('prefix') ?? ''
  const token = params.get('continuation-token')
  const after = token ? Buffer.from(token, 'base64url').toString('utf8') : params.get('start-after') ?? ''
  const maxKeys = Math.min(fake.pageSize, Number(params.get('max-keys') ?? 1000))
  const keys = [...fake.objects.keys()].filter(key => key.startsWith(prefix) && key > after).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
  const page = keys.slice(0, maxKeys)
  const truncated = keys.length > page.length
  const contents = page.map((key) => {
    const object = fake.objects.get(key)!
    return `<Contents><Key>${xmlEscape(key)}</Key><LastModified>${object.lastModified.toISOString()}</LastModified><ETag>&quot;${createHash('md5').update(object.data).digest('hex')}&quot;</ETag><Size>${object.data.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`
  }).join('')
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${fake.bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${token ? `<ContinuationToken>${token}</ContinuationToken>` : ''}${truncated ? `<NextContinuationToken>${Buffer.from(page.at(-1)!).toString('base64url')}</NextContinuationToken>` : ''}${contents}</ListBucketResult>`
}

function objectHeaders(object: FakeObject) {
  return {
    'Content-Type': object.contentType,
    'Content-Length': String(object.data.length),
    'ETag': `"${createHash('md5').update(object.data).digest('hex')}"`,
    'Last-Modified': object.lastModified.toUTCString(),
  }
}

export async function startFakeS3(options: { bucket?: string, region?: string, accessKeyId?: string, secretAccessKey?: string } = {}): Promise<FakeS3> {
  const fake: FakeS3 = {
    url: '',
    bucket: options.bucket ?? 'nano-banana-test',
    region: options.region ?? 'us-east-1',
    accessKeyId: options.accessKeyId ?? 'AKIAFAKES3TEST000001',
    secretAccessKey: options.secretAccessKey ?? randomBytes(30).toString('base64'),
    objects: new Map(),
    requests: [],
    pageSize: 1000,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const rawPath = q < 0 ? url : url.slice(0, q)
    const query = q < 0 ? '' : url.slice(q + 1)
    const params = new URLSearchParams(query)
    // The SDK names the operation in the query (`?x-id=PutObject`): not a sub-resource.
    params.delete('x-id')
    // <bucket>.localhost:<port> is virtual-host style; 127.0.0.1 or localhost, path-style.
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '')
    const virtual = host.endsWith('.localhost') ? host.slice(0, -'.localhost'.length) : undefined
    const [bucket, key] = virtual !== undefined
      ? [virtual, decodeURIComponent(rawPath.slice(1))]
      : [decodeURIComponent(rawPath.split('/')[1] ?? ''), decodeURIComponent(rawPath.split('/').slice(2).join('/'))]
    const record: FakeS3Request = { method: req.method ?? '', bucket, key, query, style: virtual === undefined ? 'path' : 'virtual', status: 200, signedPayload: false }
    fake.requests.push(record)

    const send = (status: number, headers: Record<string, string>, data?: string | Buffer) => {
      record.status = status
      res.writeHead(status, { 'x-amz-request-id': randomBytes(8).toString('hex'), ...headers })
      res.end(req.method === 'HEAD' ? undefined : data)
    }
    try {
      verifySignature(req, fake, { rawPath, query, payloadHash: String(req.headers['x-amz-content-sha256'] ?? '') })
      record.signedPayload = verifyPayload(req, body)
      if (!bucket) throw new S3Error(501, 'NotImplemented', 'ListBuckets is not implemented by this fake.')
      if (bucket !== fake.bucket) throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist')
      if (!key) {
        if (req.method === 'HEAD') return send(200, { 'x-amz-bucket-region': fake.region })
        if (req.method === 'GET' && params.get('list-type') === '2') return send(200, { 'Content-Type': 'application/xml' }, listXml(fake, params))
        throw new S3Error(501, 'NotImplemented', `${req.method} on a bucket is not implemented by this fake.`)
      }
      if (req.method === 'PUT') {
        if (req.headers['x-amz-copy-source'] || params.size) throw new S3Error(501, 'NotImplemented', 'Only a plain PutObject is implemented by this fake.')
        const object = { data: body, contentType: String(req.headers['content-type'] ?? 'binary/octet-stream'), lastModified: new Date() }
        fake.objects.set(key, object)
        return send(200, { ETag: objectHeaders(object).ETag })
      }
      if (req.method === 'DELETE') {
        fake.objects.delete(key)
        return send(204, {})
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        if (req.headers.range || params.size) throw new S3Error(501, 'NotImplemented', 'Ranges and sub-resources are not implemented by this fake.')
        const object = fake.objects.get(key)
        if (!object) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.')
        return send(200, objectHeaders(object), object.data)
      }
      throw new S3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.')
    }
    catch (error) {
      const s3Error = error instanceof S3Error ? error : new S3Error(500, 'InternalError', String(error))
      record.code = s3Error.code
      send(s3Error.status, { 'Content-Type': 'application/xml' }, errorXml(s3Error, rawPath))
    }
  }

  const server = createServer((req, res) => void handle(req, res))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}

/** The server settings that store the app's images in this fake's bucket. */
export function s3Env(fake: FakeS3): Record<string, string> {
  return {
    NUXT_S3_ENDPOINT: fake.url,
    NUXT_S3_BUCKET: fake.bucket,
    NUXT_S3_ACCESS_KEY_ID: fake.accessKeyId,
    NUXT_S3_SECRET_ACCESS_KEY: fake.secretAccessKey,
    NUXT_S3_REGION: fake.region,
    NUXT_S3_FORCE_PATH_STYLE: 'true',
  }
}
