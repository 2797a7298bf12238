import { AppError } from '#server/utils/errors'
import { isApiPath } from '#server/utils/request'

/**
 * A path that only decodes or case-folds to /api (`/API/…`, `/api/%2e%2e/…`) reaches no API route;
 * without this it would fall through to the pages. It is the API's own 404, in the API's format.
 */
export default defineEventHandler((event) => {
  if (!isApiPath(event)) return
  const raw = event.path.split('?', 1)[0]!
  let path: string
  try {
    path = decodeURIComponent(raw)
  }
  catch {
    throw new AppError('NOT_FOUND')
  }
  // `/api` and `/api/` name no route either: they would otherwise reach the page renderer.
  if (!path.startsWith('/api/') || path === '/api/' || /\/\.\.?(?:\/|$)/.test(path)) throw new AppError('NOT_FOUND')
})
