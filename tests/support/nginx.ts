import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { join } from 'node:path'
import { freePort, ROOT, tempDir } from './server'

/**
 * Debian's real Nginx, run unprivileged in a temporary folder with deploy/nginx/nano-banana.conf rendered
 * for local ports, a self-signed certificate and the worktree's built `.output/public`.
 */
const SITE_TEMPLATE = join(ROOT, 'deploy/nginx/nano-banana.conf')

interface SiteSettings {
  httpPort: number
  httpsPort: number
  /** host:port of the app */
  upstream: string
  publicDir: string
  certFile: string
  keyFile: string
  acmeDir: string
}

/** The template's placeholders, replaced as text; a placeholder that is no longer there is an error, not a silent no-op. */
function renderSite(template: string, s: SiteSettings): string {
  const replacements: [string | RegExp, string][] = [
    [/^\s*listen \[::\]:\d+.*\n/gm, ''],
    ['listen 80;', `listen 127.0.0.1:${s.httpPort};`],
    ['listen 443 ssl http2;', `listen 127.0.0.1:${s.httpsPort} ssl http2;`],
    ['server 127.0.0.1:3000;', `server ${s.upstream};`],
    ['/etc/letsencrypt/live/example.com/fullchain.pem', s.certFile],
    ['/etc/letsencrypt/live/example.com/privkey.pem', s.keyFile],
    ['/opt/nano-banana/current/.output/public', s.publicDir],
    ['/var/www/letsencrypt', s.acmeDir],
    [/server_name example\.com;/g, 'server_name localhost;'],
  ]
  let out = template
  for (const [from, to] of replacements) {
    const found = typeof from === 'string' ? out.includes(from) : new RegExp(from.source, from.flags.replace('g', '')).test(out)
    if (!found) throw new Error(`deploy/nginx/nano-banana.conf no longer contains ${String(from)}: update tests/support/nginx.ts`)
    out = typeof from === 'string' ? out.replaceAll(from, to) : out.replace(from, to)
  }
  return out
}

/** A top-level nginx.conf that keeps every file Nginx writes inside `dir` (its defaults point to /var/lib/nginx). */
export function mainConfig(dir: string, site: string): string {
  return `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log ${dir}/access.log;
    client_body_temp_path ${dir}/client_body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;

${site}
}
`
}

export function nginxBinary(): string {
  const found = ['/usr/sbin/nginx', ...(process.env.PATH ?? '').split(':').map(p => join(p, 'nginx'))].find(p => existsSync(p))
  if (!found) throw new Error('nginx is not installed: `.ci/run` installs it (apt-get install -y nginx), or install it yourself.')
  return found
}

/** A self-signed certificate for localhost, valid one day. */
export function selfSignedCertificate(dir: string) {
  const certFile = join(dir, 'cert.pem')
  const keyFile = join(dir, 'key.pem')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', keyFile, '-out', certFile], { stdio: 'pipe' })
  return { certFile, keyFile }
}

export interface PreparedNginx {
  dir: string
  config: string
  settings: SiteSettings
}

/** Renders the site and the main config into a new temporary folder, on free ports. */
export async function prepareNginx(options: { upstreamPort: number, publicDir?: string, site?: (rendered: string) => string }): Promise<PreparedNginx> {
  const dir = tempDir('nano-banana-nginx-')
  // Nginx started as root runs its workers as nobody: they must reach the temporary folders.
  chmodSync(dir, 0o755)
  const acmeDir = join(dir, 'acme')
  mkdirSync(acmeDir)
  const settings: SiteSettings = {
    httpPort: await freePort(),
    httpsPort: await freePort(),
    upstream: `127.0.0.1:${options.upstreamPort}`,
    publicDir: options.publicDir ?? join(ROOT, '.output/public'),
    acmeDir,
    ...selfSignedCertificate(dir),
  }
  let site = renderSite(readFileSync(SITE_TEMPLATE, 'utf8'), settings)
  if (options.site) site = options.site(site)
  const config = join(dir, 'nginx.conf')
  writeFileSync(config, mainConfig(dir, site))
  return { dir, config, settings }
}

/** `nginx -t` on a prepared config: its exit status and what it printed. */
export function checkConfig({ dir, config }: Pick<PreparedNginx, 'dir' | 'config'>) {
  const result = spawnSync(nginxBinary(), ['-t', '-c', config, '-p', `${dir}/`, '-e', join(dir, 'error.log')], { encoding: 'utf8' })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

export interface RunningNginx extends PreparedNginx {
  httpUrl: string
  httpsUrl: string
  process: ChildProcess
  /** What Nginx wrote to its error log so far. */
  errorLog: () => string
  stop: () => Promise<void>
}

function exited(child: ChildProcess) {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
  })
}

/** Starts Nginx in the foreground and waits until it answers on both ports. */
export async function startNginx(options: Parameters<typeof prepareNginx>[0]): Promise<RunningNginx> {
  const prepared = await prepareNginx(options)
  const { dir, config, settings } = prepared
  const checked = checkConfig(prepared)
  if (checked.status !== 0) throw new Error(`nginx -t failed:\n${checked.output}`)

  const child = spawn(nginxBinary(), ['-c', config, '-p', `${dir}/`, '-e', join(dir, 'error.log'), '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()))
  const errorLog = () => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8')
    }
    catch {
      return ''
    }
  }

  const httpUrl = `http://127.0.0.1:${settings.httpPort}`
  const httpsUrl = `https://127.0.0.1:${settings.httpsPort}`
  const deadline = Date.now() + 15_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}:\n${output}\n${errorLog()}`)
    try {
      const [plain, tls] = await Promise.all([request(`${httpUrl}/`), request(`${httpsUrl}/.well-known/acme-challenge/none`)])
      if (plain.status === 301 && tls.status > 0) break
    }
    catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`nginx did not answer:\n${output}\n${errorLog()}`)
    await new Promise(r => setTimeout(r, 50))
  }

  return {
    ...prepared,
    httpUrl,
    httpsUrl,
    process: child,
    errorLog,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await exited(child)
        clearTimeout(timer)
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
  text: () => string
  json: <T = unknown>() => T
}

export interface RawRequest {
  method?: string
  headers?: Record<string, string>
  body?: string | Buffer | FormData | Record<string, unknown>
  /** The client's own address, e.g. 127.0.0.2 to be told apart from Nginx (127.0.0.1) by the app. */
  localAddress?: string
}

/**
 * One HTTP(S) request over a new connection, accepting the self-signed certificate, without any client
 * magic (no redirects followed, no decompression), so tests see what Nginx sent.
 */
export async function request(url: string, options: RawRequest = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { ...options.headers }
  let body: Buffer | undefined
  if (options.body instanceof FormData) {
    const encoded = new Request('http://form.invalid/', { method: 'POST', body: options.body })
    headers['content-type'] = encoded.headers.get('content-type')!
    body = Buffer.from(await encoded.arrayBuffer())
  }
  else if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) {
    body = Buffer.from(options.body)
  }
  else if (options.body) {
    headers['content-type'] ??= 'application/json'
    body = Buffer.from(JSON.stringify(options.body))
  }
  if (body) headers['content-length'] = String(body.length)

  const target = new URL(url)
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise<RawResponse>((resolve, reject) => {
    let settled = false
    const req = send(target, {
      method: options.method ?? (body ? 'POST' : 'GET'),
      headers,
      localAddress: options.localAddress,
      rejectUnauthorized: false,
      agent: false,
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', reject)
      res.on('end', () => {
        settled = true
        const data = Buffer.concat(chunks)
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: data,
          text: () => data.toString('utf8'),
          json: <T>() => JSON.parse(data.toString('utf8')) as T,
        })
      })
    })
    // A server that refuses a large body answers early and may reset the connection while the body is
    // still being sent: that is only an error when no answer came.
    req.on('error', (error) => {
      if (!settled) setTimeout(() => settled || reject(error), 1000)
    })
    req.end(body)
  })
}
