import type { Creation, Job, User } from '#shared/types/api'
import type { VueWrapper } from '@vue/test-utils'

/** A creation as the API returns it, for the stores and components to show. */
export function creation(id: number, fields: Partial<Creation> = {}): Creation {
  return {
    id,
    userId: 1,
    prompt: `picture ${id}`,
    imageUrl: `/images/${'a'.repeat(21)}${id}.png`,
    thumbnailUrl: `/images/${'a'.repeat(21)}${id}_thumb.webp`,
    modelUsed: 'nano-banana',
    size: '1:1',
    kind: 'text-to-image',
    width: 1024,
    height: 1024,
    favorite: false,
    createdAt: new Date(2026, 0, id).toISOString(),
    ...fields,
  }
}

export function user(fields: Partial<User> = {}): User {
  return { id: 1, email: 'reader@example.com', credits: 3, role: 'user', createdAt: new Date(2026, 0, 1).toISOString(), ...fields }
}

/** The API's error format, as a registered endpoint answers it (h3's own errors have another shape). */
export function apiError(code: string, message = code) {
  return { error: { code, message, timestamp: new Date(0).toISOString(), requestId: 'test' } }
}

/** A promise with its resolve function, to hold an endpoint's answer back while a test looks. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>(r => (resolve = r))
  return { promise, resolve }
}

/** A job as the API returns it: by default queued, one picture of one credit. */
export function job(id: number, fields: Partial<Job> = {}): Job {
  return {
    id,
    status: 'queued',
    kind: 'text-to-image',
    model: 'nano-banana',
    size: '1:1',
    prompt: `job ${id}`,
    n: 1,
    cost: 1,
    creations: [],
    failed: [],
    error: null,
    createdAt: new Date().toISOString(),
    startedAt: null,
    finishedAt: null,
    ...fields,
  }
}

type Mounted = Pick<VueWrapper, 'findAll'>

/** The message under the form item holding the control `#id` (an Element Plus form's field error). */
export function fieldError(wrapper: Mounted, id: string) {
  return wrapper.findAll('.el-form-item').find(item => item.find(`#${id}`).exists())?.find('.el-form-item__error')
}
