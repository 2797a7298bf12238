import { CONTENT_TYPES, IMAGE_NAME, openImage, useImages } from '#server/services/storage'

// Stored images, by unguessable name: loadable by an <img> without a token, cached forever by the
// browser but never by a shared cache (a deleted picture must not outlive its owner's choice there).
export default defineEventHandler(async (event) => {
  const name = getRouterParam(event, 'name') ?? ''
  const file = IMAGE_NAME.test(name) ? await openImage(useImages(), name) : null
  if (!file) throw createError({ statusCode: 404, statusMessage: 'Not Found' })
  setResponseHeaders(event, {
    'Content-Type': CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)]!,
    'Content-Length': String(file.size),
    'Cache-Control': 'private, max-age=31536000, immutable',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': 'default-src \'none\'; sandbox',
  })
  // A reader that leaves early must not keep the file (or the bucket's connection) open.
  event.node.res.once('close', () => {
    if (!file.stream.readableEnded) file.stream.destroy()
  })
  return sendStream(event, file.stream)
})
