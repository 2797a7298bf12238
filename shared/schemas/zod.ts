import { z } from 'zod'

// Every schema is built with this `z`. In the browser zod runs without its JIT: building an object
// schema probes `new Function`, which the pages' Content-Security-Policy (no 'unsafe-eval') reports
// as a violation. The server keeps the JIT.
if (typeof (globalThis as { window?: unknown }).window !== 'undefined') z.config({ jitless: true })

export { z }
