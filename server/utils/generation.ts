import type { H3Event } from 'h3'
import type { UserRow } from '#server/db/schema'
import { generateLater, generateNow } from '#server/services/generation'
import type { GenerationRequest } from '#server/services/providers/types'
import { prefersAsync } from '#server/utils/request'

/**
 * Both generation routes answer alike: by default once the picture is made (200), or with
 * `Prefer: respond-async` at once (202) with the job, its URL in Location.
 */
export async function answerGeneration(event: H3Event, user: UserRow, request: GenerationRequest) {
  if (!prefersAsync(event)) return generateNow(user, request)
  const accepted = await generateLater(user, request)
  setResponseStatus(event, 202)
  setResponseHeaders(event, { 'Location': `/api/jobs/${accepted.job.id}`, 'Preference-Applied': 'respond-async' })
  return accepted
}
