import pino from 'pino'

/**
 * The server's structured log: one JSON object a line on stdout (journald keeps it under systemd),
 * written asynchronously so a burst of requests never waits on the terminal or the pipe.
 * Fields: `time` (ISO), `level` (info, warn, error), and the event's own (`requestId`, `method`,
 * `path`, `status`, `ms`, `ip` for a request; `event` and its details otherwise).
 */
export const log = pino({
  base: undefined,
  messageKey: 'message',
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: label => ({ level: label }) },
}, pino.destination({ sync: false }))

/** Writes what is buffered (at shutdown). */
export function flushLog() {
  try {
    log.flush()
  }
  catch {
    // Nothing buffered, or stdout already gone.
  }
}
