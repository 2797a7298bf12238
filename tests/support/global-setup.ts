import { existsSync } from 'node:fs'

// API and browser tests run the built server, as deployers do: `npm test` builds first.
export default function setup() {
  if (!existsSync(new URL('../../.output/server/index.mjs', import.meta.url))) {
    throw new Error('No build found: run `npm run build` first (`npm test` does it for you).')
  }
}
