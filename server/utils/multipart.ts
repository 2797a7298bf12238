import { createWriteStream } from 'node:fs'
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import busboy from 'busboy'
import type { H3Event } from 'h3'
import { AppError } from '#server/utils/errors'
import { closeAfterResponse } from '#server/utils/request'

export interface MultipartLimits {
  /** Field names that may carry files; a file under any other name is refused. */
  fileFields: readonly string[]
  maxFiles: number
  maxFileBytes: number
  /** The whole body, counted on the wire. */
  maxBytes: number
  maxFields?: number
  maxFieldBytes?: number
}

interface UploadedFile {
  field: string
  /** A temporary file holding the upload; gone after `cleanup()`. */
  path: string
  size: number
}

export interface MultipartForm {
  /** Text fields, the first value of each name. */
  fields: Record<string, string>
  files: UploadedFile[]
  cleanup: () => Promise<void>
}

/**
 * Reads a multipart/form-data body as it arrives (busboy): files go straight to temporary files, so
 * memory holds a few chunks whatever the upload's size. The first byte past a limit ends the
 * request with 413 (a file or the whole body too large) or 400 (one file too many, as soon as it
 * starts) and closes the connection; nothing is kept.
 */
export async function readMultipartForm(event: H3Event, limits: MultipartLimits): Promise<MultipartForm> {
  const req = event.node.req
  let parser: busboy.Busboy
  try {
    parser = busboy({
      headers: req.headers,
      limits: {
        files: limits.maxFiles,
        fileSize: limits.maxFileBytes,
        fields: limits.maxFields ?? 20,
        fieldSize: limits.maxFieldBytes ?? 64 * 1024,
        parts: limits.maxFiles + (limits.maxFields ?? 20),
        headerPairs: 50,
      },
    })
  }
  catch {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send this request as multipart/form-data with a boundary.')
  }

  const dir = await mkdtemp(join(tmpdir(), 'nano-banana-upload-'))
  const cleanup = () => rm(dir, { recursive: true, force: true })
  const fields: Record<string, string> = {}
  const files: UploadedFile[] = []
  const writes: Promise<unknown>[] = []
  const streams: NodeJS.ReadableStream[] = []

  return new Promise<MultipartForm>((resolve, reject) => {
    let settled = false
    let wire = 0

    function fail(error: unknown) {
      if (settled) return
      settled = true
      req.off('data', count)
      req.unpipe(parser)
      req.pause()
      parser.removeAllListeners()
      parser.on('error', () => undefined)
      for (const stream of streams) (stream as unknown as { destroy: () => void }).destroy()
      closeAfterResponse(event)
      void Promise.allSettled(writes).then(cleanup)
      reject(error)
    }

    function count(chunk: Buffer) {
      wire += chunk.length
      if (wire > limits.maxBytes) fail(new AppError('PAYLOAD_TOO_LARGE', `The upload can be at most ${Math.round(limits.maxBytes / 1024 / 1024)} MB in all.`))
    }

    parser.on('file', (field, stream, info) => {
      if (!limits.fileFields.includes(field)) {
        stream.resume()
        fail(new AppError('VALIDATION_ERROR', `Unexpected file field "${field}".`, { fields: { [field]: ['Unexpected file.'] } }))
        return
      }
      const index = files.length
      const file: UploadedFile = { field, path: join(dir, `upload-${index}`), size: 0 }
      files.push(file)
      streams.push(stream)
      stream.on('data', (chunk: Buffer) => (file.size += chunk.length))
      stream.on('limit', () => fail(new AppError('PAYLOAD_TOO_LARGE', `Each image can be at most ${Math.round(limits.maxFileBytes / 1024 / 1024)} MB.`, { image: index, filename: info.filename })))
      writes.push(pipeline(stream, createWriteStream(file.path)).catch(fail))
    })
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) fail(new AppError('PAYLOAD_TOO_LARGE', `The field "${name}" is too long.`, { fields: { [name]: ['Too long.'] } }))
      else if (!(name in fields)) fields[name] = value
    })
    parser.on('filesLimit', () => fail(new AppError('VALIDATION_ERROR', `At most ${limits.maxFiles} images.`, { fields: { image: [`At most ${limits.maxFiles} images.`] } })))
    parser.on('fieldsLimit', () => fail(new AppError('VALIDATION_ERROR', 'The form has too many fields.')))
    parser.on('partsLimit', () => fail(new AppError('VALIDATION_ERROR', 'The form has too many parts.')))
    parser.on('error', () => fail(new AppError('VALIDATION_ERROR', 'The form could not be read.')))
    parser.on('close', () => {
      void Promise.all(writes).then(() => {
        if (settled) return
        settled = true
        req.off('data', count)
        resolve({ fields, files, cleanup })
      })
    })
    req.on('aborted', () => fail(new AppError('VALIDATION_ERROR', 'The upload was cut off.')))
    req.on('data', count)
    req.pipe(parser)
  })
}

/** The first bytes of an uploaded file, enough to tell its real type. */
export async function fileHead(path: string, bytes = 16): Promise<Buffer> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(bytes)
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0)
    return buffer.subarray(0, bytesRead)
  }
  finally {
    await handle.close()
  }
}
