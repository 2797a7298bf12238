/**
 * Bundles the admin command line (scripts/admin.ts) into `.output/server/cli.mjs` after Nitro's build,
 * so a server with only the deployed `.output` has it: `node .output/server/cli.mjs help`. Native
 * modules are left to `.output/server/node_modules` (traced there for the server, the same versions);
 * everything else is inlined. The migrations go beside it in `.output/server/drizzle`.
 */
import { cp } from 'node:fs/promises'
import { join } from 'node:path'
import { build } from 'esbuild'

const NATIVE = ['better-sqlite3', 'argon2', 'sharp']

export async function buildCli(rootDir: string, serverDir: string) {
  await build({
    entryPoints: [join(rootDir, 'scripts/admin.ts')],
    outfile: join(serverDir, 'cli.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    tsconfig: join(rootDir, 'tsconfig.tools.json'),
    external: NATIVE,
    // Inlined CommonJS packages call require() for Node's own modules.
    banner: { js: 'import { createRequire } from \'node:module\'; const require = createRequire(import.meta.url);' },
    legalComments: 'none',
    logLevel: 'warning',
  })
  await cp(join(rootDir, 'drizzle'), join(serverDir, 'drizzle'), { recursive: true })
}
