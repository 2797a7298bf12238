import apiRoutes from '#api-routes'
import { createRouter } from 'radix3'
import { AppError } from '#server/utils/errors'

const known = createRouter<{ methods: string[] }>()
for (const { route, method } of apiRoutes) {
  const path = route.replace(/\[\.\.\.[^\]]*\]/g, '**').replace(/\[([^\]]+)\]/g, ':$1')
  const entry = known.lookup(path)
  if (entry) entry.methods.push(method)
  else known.insert(path, { methods: [method] })
}

// Any /api request no route answers: 405 where the path exists for other methods, else the API's own 404.
export default defineEventHandler((event) => {
  const methods = known.lookup(getRequestURL(event).pathname)?.methods
  if (methods?.length) {
    setResponseHeader(event, 'Allow', methods.join(', '))
    throw new AppError('METHOD_NOT_ALLOWED')
  }
  throw new AppError('NOT_FOUND')
})
