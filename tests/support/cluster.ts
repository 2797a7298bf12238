import { spawn } from 'node:child_process'
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { startFakeS3, s3Env, type FakeS3 } from './fake-s3'
import { mainConfig, nginxBinary } from './nginx'
import { createDatabase } from './postgres'
import { bucketOf, freePort, postgresOf, sharesDatabase, startServer, tempDir, type StartOptions, type TestServer } from './server'

/**
 * The scale-out topology of README's "When one machine is not enough", for real: PostgreSQL (the run's
 * throwaway cluster, a new database), an S3-compatible store (the signature-checking fake), N app
 * instances, each with a data folder of its own, and Nginx balancing between them.
 */
export interface Cluster extends TestServer {
  instances: TestServer[]
  bucket: FakeS3
  /** Starts instance i again (after kill or stop) with the same settings. */
  restart: (index: number) => Promise<TestServer>
}

// The upstream block a deployer writes (docs: README), for local ports. Nginx's open-source edition
// checks health passively: an instance that refuses connections or times out is left out for 5 s.
function site(port: number, upstreams: number[]) {
  return `
upstream nano_banana {
${upstreams.map(p => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n')}
    keepalive 32;
    keepalive_timeout 4s;
}
server {
    listen 127.0.0.1:${port};
    client_max_body_size 60m;
    location / {
        proxy_pass http://nano_banana;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_buffering off;
        proxy_read_timeout 360s;
        proxy_next_upstream error timeout;
    }
}`
}

/** Nginx in front of the given ports. */
async function startBalancer(upstreams: number[]) {
  const dir = tempDir('nano-banana-cluster-nginx-')
  chmodSync(dir, 0o755)
  const port = await freePort()
  const config = join(dir, 'nginx.conf')
  writeFileSync(config, mainConfig(dir, site(port, upstreams)))
  const child = spawn(nginxBinary(), ['-c', config, '-p', `${dir}/`, '-e', join(dir, 'error.log'), '-g', 'daemon off;'], { stdio: 'ignore' })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 15_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${readFileSync(join(dir, 'error.log'), 'utf8')}`)
    if (await fetch(`${url}/api/health`).then(res => res.ok, () => false)) break
    if (Date.now() > deadline) throw new Error('nginx did not answer')
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return {
    url,
    port,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise(resolve => child.once('exit', resolve))
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface ClusterOptions extends StartOptions {
  instances?: number
  /** An existing database and bucket (the target of a migration) rather than new ones. */
  database?: string
  bucket?: FakeS3
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const server = process.env.TEST_POSTGRES_URL
  if (!server) throw new Error('the cluster needs the postgres project\'s PostgreSQL (TEST_POSTGRES_URL)')
  const dataDir = options.dataDir ?? tempDir()
  // A data folder started again (its data kept) stands for the same database and bucket.
  const database = options.database ?? postgresOf(dataDir) ?? await createDatabase(server)
  const givenBucket = options.bucket ?? bucketOf(dataDir)
  const bucket = givenBucket ?? await startFakeS3()
  // A bucket it was given is its giver's to close.
  const closeBucket = () => (givenBucket === options.bucket && options.bucket ? Promise.resolve() : bucket.close())
  // Each instance named for good (as a deployer's unit files would), so a restart knows its own jobs.
  const instanceOptions = (index: number): StartOptions => ({
    ...options,
    dataDir: undefined,
    single: true,
    env: { ...s3Env(bucket), NUXT_DATABASE_URL: database, NUXT_INSTANCE_ID: `${basename(dataDir)}-${index + 1}`, ...options.env },
  })
  const start = async (index: number) => {
    const instance = await startServer(instanceOptions(index))
    sharesDatabase(instance.dataDir, database, bucket)
    return instance
  }
  sharesDatabase(dataDir, database, bucket)
  // Together, as a deployer's service manager starts them.
  const instances = await Promise.all(Array.from({ length: options.instances ?? 2 }, (_, index) => start(index)))
  const balancer = await startBalancer(instances.map(instance => instance.port))
  const cluster: Cluster = {
    url: balancer.url,
    port: balancer.port,
    dataDir,
    get logs() {
      return instances.flatMap(instance => instance.logs)
    },
    process: instances[0]!.process,
    instances,
    bucket,
    async restart(index) {
      // On the same port: Nginx's upstream names it.
      instances[index] = await startServer({ ...instanceOptions(index), port: instances[index]!.port })
      sharesDatabase(instances[index]!.dataDir, database, bucket)
      return instances[index]!
    },
    async stop({ keepData = false } = {}) {
      await balancer.stop()
      await Promise.all(instances.map(instance => instance.stop({ keepData })))
      if (keepData) return
      await closeBucket()
      if (!keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
    async kill() {
      await Promise.all(instances.map(instance => instance.kill()))
      await balancer.stop()
      await closeBucket()
    },
  }
  return cluster
}
