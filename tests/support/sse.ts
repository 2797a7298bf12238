interface ServerSentEvent {
  event: string
  data: unknown
}

export interface EventStream {
  status: number
  contentType: string | null
  events: ServerSentEvent[]
  /** Comment lines (`: heartbeat`), in order. */
  comments: string[]
  /** Whether the server ended the stream (rather than the reader giving up). */
  ended: boolean
}

/** Reads a Server-Sent Events stream until the server ends it or `timeoutMs` passes. */
export async function readEventStream(url: string, headers: Record<string, string>, timeoutMs = 30_000): Promise<EventStream> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  const result: EventStream = { status: 0, contentType: null, events: [], comments: [], ended: false }
  try {
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal })
    result.status = res.status
    result.contentType = res.headers.get('content-type')
    if (!res.body) return result
    const decoder = new TextDecoder()
    let buffer = ''
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true })
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        let event = 'message'
        const data: string[] = []
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) result.comments.push(line.slice(1).trim())
          else if (line.startsWith('event:')) event = line.slice(6).trim()
          else if (line.startsWith('data:')) data.push(line.slice(5).trim())
        }
        if (data.length) result.events.push({ event, data: JSON.parse(data.join('\n')) })
      }
    }
    result.ended = true
  }
  catch {
    // Aborted by the timeout: what arrived so far is the answer.
  }
  finally {
    clearTimeout(timer)
  }
  return result
}
