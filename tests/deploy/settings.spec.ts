import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkConfig, mainConfig, nginxBinary, selfSignedCertificate } from '../support/nginx'
import { ROOT, tempDir } from '../support/server'

// Docker cannot run here: the container path is checked against the systemd path by reading both,
// and compose's Nginx configuration is rendered by its own script and checked with nginx -t.

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8')
const unit = read('deploy/systemd/nano-banana.service')
const site = read('deploy/nginx/nano-banana.conf')
const compose = read('compose.yaml')
const dockerfile = read('Dockerfile')

/** `Environment=A=1 B=2` lines of a unit, as one map. */
function unitEnvironment(text: string) {
  const env: Record<string, string> = {}
  for (const [, line] of text.matchAll(/^Environment=(.*)$/gm)) {
    for (const pair of line!.split(/\s+/)) {
      const [key, value] = pair.split('=')
      env[key!] = value!
    }
  }
  return env
}

function unitValues(text: string, key: string) {
  return [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map(m => m[1]!)
}

/** `KEY: value` lines under the app service's `environment:` in compose.yaml. */
function composeEnvironment() {
  const block = /^ {2}app:\n[\s\S]*?^ {4}environment:\n((?: {6}.*\n)+)/m.exec(compose)?.[1] ?? ''
  const env: Record<string, string> = {}
  for (const [, key, value] of block.matchAll(/^ {6}(\w+): "?([^"\n]*)"?$/gm)) env[key!] = value!
  return env
}

/** ENV of the Dockerfile's final stage. */
function imageEnvironment() {
  const last = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
  const block = /^ENV ((?:.*\\\n)*.*)$/m.exec(last)?.[1] ?? ''
  return Object.fromEntries([...block.matchAll(/(\w+)=(\S+)/g)].map(m => [m[1]!, m[2]!]))
}

describe('the timeouts outlast a generation, in the same order everywhere', () => {
  const imageTimeoutS = 300
  const unitEnv = unitEnvironment(unit)
  const stopS = Number(unitValues(unit, 'TimeoutStopSec')[0])
  const shutdownS = Number(unitEnv.NITRO_SHUTDOWN_TIMEOUT) / 1000
  const proxyReadS = Number(/^ {4}proxy_read_timeout (\d+)s;/m.exec(site)?.[1])

  it('systemd waits longer than the app drains, which is longer than a model call; Nginx waits longer than a model call', () => {
    expect(shutdownS).toBeGreaterThan(imageTimeoutS)
    expect(stopS).toBeGreaterThan(shutdownS)
    expect(proxyReadS).toBeGreaterThan(imageTimeoutS)
    expect(read('deploy/provision.sh')).toMatch(new RegExp(`^NUXT_IMAGE_API_TIMEOUT_MS=${imageTimeoutS * 1000}$`, 'm'))
  })

  it('Docker uses the same values as the unit', () => {
    const env = composeEnvironment()
    expect(env.NITRO_SHUTDOWN_TIMEOUT).toBe(unitEnv.NITRO_SHUTDOWN_TIMEOUT)
    expect(env.NUXT_IMAGE_API_TIMEOUT_MS).toBe(String(imageTimeoutS * 1000))
    expect(compose).toMatch(new RegExp(`^ {4}stop_grace_period: ${stopS}s$`, 'm'))
    expect(imageEnvironment()).toMatchObject({ NITRO_SHUTDOWN_TIMEOUT: unitEnv.NITRO_SHUTDOWN_TIMEOUT, NUXT_IMAGE_API_TIMEOUT_MS: String(imageTimeoutS * 1000) })
  })
})

describe('the systemd unit', () => {
  it('writes only to the data folder the app is told to use, from the release in service', () => {
    expect(unitValues(unit, 'ReadWritePaths')).toEqual(['/var/lib/nano-banana'])
    expect(unitEnvironment(unit).NUXT_DATA_DIR).toBe('/var/lib/nano-banana')
    expect(unitValues(unit, 'ProtectSystem')).toEqual(['strict'])
    expect(unitValues(unit, 'MemoryDenyWriteExecute')).toEqual([])
    expect(unitValues(unit, 'ExecStart')).toEqual(['/usr/bin/node /opt/nano-banana/current/.output/server/index.mjs'])
    expect(site).toContain('root /opt/nano-banana/current/.output/public;')
  })

  it('listens where Nginx sends requests, and trusts Nginx alone', () => {
    const env = unitEnvironment(unit)
    expect(site).toMatch(new RegExp(`^ {4}server ${env.HOST}:${env.PORT};`, 'm'))
    expect(env.HOST).toBe('127.0.0.1')
    expect(env.NUXT_TRUST_PROXY).toBe('127.0.0.1')
  })
})

describe('the containers', () => {
  it('run the app as in the unit, trusting the fixed address of the Nginx container', () => {
    const env = composeEnvironment()
    expect(env).toMatchObject({ NODE_ENV: 'production', PORT: '3000', NUXT_DATA_DIR: '/data' })
    const webAddress = /^ {2}web:\n[\s\S]*?ipv4_address: ([\d.]+)/m.exec(compose)?.[1]
    expect(env.NUXT_TRUST_PROXY).toBe(webAddress)
    expect(compose).toMatch(/^ {6}NANO_BANANA_UPSTREAM: app:3000$/m)
    expect(compose).toMatch(/^ {6}- data:\/data$/m)
  })

  it('ship only .output in the app image, unprivileged, with a data volume and a health check', () => {
    const last = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
    expect(last).toMatch(/^FROM node:24-bookworm-slim AS app$/m)
    expect([...last.matchAll(/^COPY .*$/gm)].map(m => m[0])).toEqual(['COPY --from=build /app/.output ./.output'])
    expect(last).toMatch(/^USER node$/m)
    expect(last).toMatch(/^VOLUME \/data$/m)
    expect(last).toMatch(/^HEALTHCHECK [\s\S]*\/api\/health/m)
    expect(last).toMatch(/^STOPSIGNAL SIGTERM$/m)
    expect(imageEnvironment()).toMatchObject({ NUXT_DATA_DIR: '/data', HOST: '0.0.0.0', PORT: '3000' })
  })

  it('render the same Nginx site for compose, which nginx -t accepts', () => {
    nginxBinary()
    const dir = tempDir('nano-banana-compose-nginx-')
    const out = join(dir, 'default.conf')
    const rendered = spawnSync('sh', [join(ROOT, 'deploy/nginx/docker-entrypoint.sh')], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        NANO_BANANA_DOMAIN: 'draw.example.org',
        // The compose network's `app` has no address here; nginx -t resolves upstream names.
        NANO_BANANA_UPSTREAM: '127.0.0.1:3999',
        NANO_BANANA_TEMPLATE: join(ROOT, 'deploy/nginx/nano-banana.conf'),
        NANO_BANANA_NGINX_CONF: out,
      },
    })
    expect(rendered.status, rendered.stderr).toBe(0)
    const conf = readFileSync(out, 'utf8')
    // IPv6 listens are dropped where the container has no IPv6; nothing else differs.
    const withoutIpv6 = (text: string) => text.replace(/^.*listen \[::\].*\n/gm, '')
    expect(withoutIpv6(conf)).toBe(withoutIpv6(site.replaceAll('example.com', 'draw.example.org').replace('server 127.0.0.1:3000;', 'server 127.0.0.1:3999;')))

    const { certFile, keyFile } = selfSignedCertificate(dir)
    const checked = join(dir, 'nginx.conf')
    writeFileSync(checked, mainConfig(dir, conf
      .replace('/etc/letsencrypt/live/draw.example.org/fullchain.pem', certFile)
      .replace('/etc/letsencrypt/live/draw.example.org/privkey.pem', keyFile)))
    const { status, output } = checkConfig({ dir, config: checked })
    expect(output).toMatch(/test is successful/)
    expect(status).toBe(0)

    const refused = spawnSync('sh', [join(ROOT, 'deploy/nginx/docker-entrypoint.sh')], { encoding: 'utf8', env: { PATH: process.env.PATH, NANO_BANANA_NGINX_CONF: join(dir, 'unused.conf') } })
    expect(refused.status).toBe(1)
    expect(refused.stderr).toMatch(/set NANO_BANANA_DOMAIN/)
  })
})

describe('docs/DEPLOY.md', () => {
  it('names every file that ships', () => {
    const docs = read('docs/DEPLOY.md')
    const shipped = readdirSync(join(ROOT, 'deploy'), { recursive: true, withFileTypes: true })
      .filter(entry => entry.isFile())
      .map(entry => join(entry.parentPath, entry.name).slice(ROOT.length))
    expect(shipped.length).toBeGreaterThan(6)
    for (const file of [...shipped, '.github/workflows/deploy.yml', '.github/workflows/ci.yml', 'Dockerfile', 'compose.yaml', '.dockerignore']) {
      const name = file.replace(/^deploy\/systemd\/nano-banana-backup\.(service|timer)$/, 'deploy/systemd/nano-banana-backup.service')
      expect(docs, file).toContain(`\`${name}\``)
    }
  })
})
