import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { Readable } from 'node:stream'
import { type _Object, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3'
import { CONTENT_TYPES, IMAGE_NAME, type ImageStore } from '#server/services/storage/types'
import type { S3Settings } from '#server/utils/config'

function createClient(s3: S3Settings) {
  const agent = { keepAlive: true, maxSockets: 64 }
  return new S3Client({
    endpoint: s3.endpoint || undefined,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    // The SDK's default CRC checksum headers (and the aws-chunked uploads they bring) are refused or
    // stored wrongly by several S3-compatible services; every upload is a Buffer whose SHA-256 is
    // signed (x-amz-content-sha256), which the service checks against the bytes it received.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    requestHandler: {
      connectionTimeout: 5000,
      // Until the answer's headers; then the body may not stall longer than the socket timeout.
      requestTimeout: 30_000,
      throwOnRequestTimeout: true,
      socketTimeout: 30_000,
      httpAgent: new HttpAgent(agent),
      httpsAgent: new HttpsAgent(agent),
    },
  })
}

function status(error: unknown) {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined
}

/** A missing object, not a missing bucket (both are 404s). */
function isMissing(error: unknown) {
  if (!(error instanceof S3ServiceException)) return false
  return error.name === 'NoSuchKey' || error.name === 'NotFound' || (status(error) === 404 && error.name !== 'NoSuchBucket')
}

/** Objects in an S3-compatible bucket, one per picture, under the picture's name. */
export function createS3ImageStore(s3: S3Settings): ImageStore {
  const client = createClient(s3)
  const Bucket = s3.bucket
  async function listObjects() {
    const objects: (_Object & { Key: string })[] = []
    let ContinuationToken: string | undefined
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket, ContinuationToken }))
      for (const object of page.Contents ?? []) {
        // Only what this app writes: a bucket shared with other things keeps them (the start-up
        // removes unreferenced pictures from what is listed here).
        if (object.Key && IMAGE_NAME.test(object.Key)) objects.push({ ...object, Key: object.Key })
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (ContinuationToken)
    return objects
  }
  return {
    async put(name, data) {
      const type = CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream'
      await client.send(new PutObjectCommand({ Bucket, Key: name, Body: data, ContentLength: data.length, ContentType: type }))
    },
    async remove(name) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: name }))
    },
    async open(name) {
      try {
        const { Body, ContentLength } = await client.send(new GetObjectCommand({ Bucket, Key: name }))
        if (!(Body instanceof Readable)) throw new Error(`S3 GetObject ${name}: the answer has no body`)
        return { stream: Body, size: ContentLength ?? 0 }
      }
      catch (error) {
        if (isMissing(error)) return null
        throw error
      }
    },
    async exists(name) {
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: name }))
        return true
      }
      catch (error) {
        if (isMissing(error)) return false
        throw error
      }
    },
    async list({ modifiedBefore } = {}) {
      const objects = await listObjects()
      return objects.filter(object => !modifiedBefore || (object.LastModified && object.LastModified < modifiedBefore)).map(object => object.Key)
    },
    async sizes() {
      return new Map((await listObjects()).map(object => [object.Key, object.Size ?? 0]))
    },
  }
}

function bucketProblem(where: string, code: number | undefined, error: unknown) {
  if (code === 403) return `S3 refused access to ${where} (403): check NUXT_S3_ACCESS_KEY_ID and NUXT_S3_SECRET_ACCESS_KEY, and that this key may use the bucket.`
  if (code === 404) return `S3 ${where} does not exist (404): check NUXT_S3_BUCKET, and NUXT_S3_FORCE_PATH_STYLE for a service that wants path-style addresses.`
  if (code === 301 || code === 400) return `S3 ${where} answered ${code}: check NUXT_S3_REGION (the bucket's region; \`auto\` on Cloudflare R2) and NUXT_S3_ENDPOINT.`
  if (code) return `S3 ${where} answered ${code} to HeadBucket.`
  return `S3 ${where} cannot be reached: ${error instanceof Error ? error.message : String(error)}`
}

/** At start-up: the bucket answers to these keys, or an error saying which setting to look at. */
export async function checkBucket(s3: S3Settings) {
  const client = createClient(s3)
  const where = `bucket "${s3.bucket}" at ${s3.endpoint || `AWS S3 (${s3.region})`}`
  try {
    await client.send(new HeadBucketCommand({ Bucket: s3.bucket }))
  }
  catch (error) {
    throw new Error(bucketProblem(where, status(error), error), { cause: error })
  }
  finally {
    client.destroy()
  }
}
