/**
 * Measures /_nuxt/ through deploy/nginx/nano-banana.conf three ways: read from disk by Nginx (the
 * site as it ships), read from disk with .gz copies next to the files (what deploy.yml uploads), and
 * proxied to the app. Needs a build (npm run build) and wrk (apt-get install -y wrk).
 *   npx tsx tests/deploy/measure-nuxt-assets.ts [seconds per run, default 10]
 * The figures are in docs/DEPLOY.md.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startNginx, type RunningNginx } from '../support/nginx'
import { ROOT, startServer, tempDir } from '../support/server'

const seconds = Number(process.argv[2] ?? 10)
const assets = join(ROOT, '.output/public/_nuxt')
const files = readdirSync(assets).filter(f => f.endsWith('.js')).map(name => ({ name, size: statSync(join(assets, name)).size })).sort((a, b) => b.size - a.size)
// The largest chunk, and one of a typical page chunk's size.
const picked = [files[0]!, files.find(f => f.size < 10_000) ?? files.at(-1)!]

const proxied = (site: string) => site.replace(/ {4}location \/_nuxt\/ \{[\s\S]*?\n {8}\}\n {4}\}\n/, '    location /_nuxt/ {\n        proxy_pass http://nano_banana;\n    }\n')
const precompressed = tempDir('nano-banana-public-')
cpSync(join(ROOT, '.output/public'), precompressed, { recursive: true })
// Nginx's workers (nobody, when started as root) read it.
chmodSync(precompressed, 0o755)
execFileSync('find', [join(precompressed, '_nuxt'), '-type', 'f', '(', '-name', '*.js', '-o', '-name', '*.css', ')', '-exec', 'gzip', '-9', '-k', '-f', '{}', '+'])

function wrk(url: string, gzip: boolean) {
  const out = execFileSync('wrk', ['-t2', '-c32', `-d${seconds}s`, '--latency', ...(gzip ? ['-H', 'Accept-Encoding: gzip'] : []), url], { encoding: 'utf8' })
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1]
  if (errors) throw new Error(`${errors} failed requests for ${url}`)
  return { rps: Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1])), p50: /^\s+50%\s+(\S+)/m.exec(out)![1]!, p99: /^\s+99%\s+(\S+)/m.exec(out)![1]! }
}

/** Debian's nginx.conf runs one worker per core. */
function workerPerCore(nginx: RunningNginx) {
  writeFileSync(nginx.config, readFileSync(nginx.config, 'utf8').replace('worker_processes 1;', 'worker_processes auto;'))
  execFileSync('kill', ['-HUP', String(nginx.process.pid)])
}

const app = await startServer()
const variants = {
  'from disk': await startNginx({ upstreamPort: app.port }),
  'from disk, .gz copies': await startNginx({ upstreamPort: app.port, publicDir: precompressed }),
  'proxied to Node': await startNginx({ upstreamPort: app.port, site: proxied }),
}
try {
  if (!readFileSync(variants['proxied to Node'].config, 'utf8').includes('location /_nuxt/ {\n        proxy_pass')) throw new Error('the proxied variant no longer applies')
  for (const nginx of Object.values(variants)) workerPerCore(nginx)
  await new Promise(r => setTimeout(r, 1000))
  console.log(`wrk -t2 -c32 -d${seconds}s over HTTPS with keep-alive, wrk, Nginx and Node on the same machine\n`)
  console.log('| asset | Accept-Encoding | served | requests/s | p50 | p99 |\n| --- | --- | --- | --- | --- | --- |')
  for (const file of picked) {
    for (const gzip of [true, false]) {
      for (const [name, nginx] of Object.entries(variants)) {
        if (!gzip && name.includes('.gz')) continue
        const r = wrk(`${nginx.httpsUrl}/_nuxt/${file.name}`, gzip)
        console.log(`| ${Math.round(file.size / 1000)} kB chunk | ${gzip ? 'gzip' : 'none'} | ${name} | ${r.rps} | ${r.p50} | ${r.p99} |`)
      }
    }
  }
}
finally {
  for (const nginx of Object.values(variants)) await nginx.stop()
  await app.stop()
}
