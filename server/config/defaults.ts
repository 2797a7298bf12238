/**
 * Every setting's default, in one place: nuxt.config.ts turns them into runtimeConfig (so each is
 * settable as NUXT_<NAME> in the environment), and the server and the command line read them back
 * through server/utils/config.ts. Pure data: no Nuxt or Nitro import here.
 */
export const CONFIG_DEFAULTS = {
  dataDir: './data',
  /** `postgres://user:password@host:5432/db` for PostgreSQL; empty: SQLite in the data folder. */
  databaseUrl: '',
  jwtSecret: '',
  /** Absolute lifetime of a sign-in (jose syntax: 7d, 12h, 30m). */
  jwtTtl: '7d',
  /** A sign-in unused for this long ends; each use moves the limit on. */
  sessionIdleTtl: '24h',
  /** `auto`: the session cookie is Secure in production builds; `true` / `false` force it. */
  cookieSecure: 'auto',
  /** Proxy addresses or CIDRs whose X-Forwarded-For is believed, comma-separated; empty: none. */
  trustProxy: '',
  adminEmail: '',
  adminPassword: '',
  signupCredits: 3,
  imageProvider: 'auto',
  imageApiBaseUrl: 'https://api.openai-hk.com',
  imageApiKey: '',
  imageApiTimeoutMs: 300_000,
  /** Upstream calls in flight in one process; beyond that, jobs wait in order as `queued`. */
  generationConcurrency: 32,
  /** Queued and running generations one user may have at once. */
  maxActiveJobsPerUser: 4,
  /** This server's name on the jobs it runs (default: host name and data folder), so a restart knows its own. */
  instanceId: '',
  // S3-compatible image storage (AWS S3, Cloudflare R2, MinIO, Aliyun OSS): on when any of endpoint,
  // bucket or keys is set, and then bucket and both keys are required; unset, the data folder's images/.
  /** The service's URL (`https://<account>.r2.cloudflarestorage.com`); empty: AWS S3 in `s3Region`. */
  s3Endpoint: '',
  s3Bucket: '',
  s3AccessKeyId: '',
  s3SecretAccessKey: '',
  /** The signing region: the bucket's on AWS, `auto` on R2, `oss-cn-hangzhou` and the like on OSS. */
  s3Region: 'us-east-1',
  /** `true`: `<endpoint>/<bucket>/<key>` (MinIO); `false`: `<bucket>.<endpoint host>/<key>`. */
  s3ForcePathStyle: false,
  /** Bearer token for GET /metrics (Prometheus); empty: /metrics is off (404). */
  metricsToken: '',
  // Rate limits, as `<count>/<window>` (s, m, h, d).
  /** Failed sign-ins per account. */
  rateLimitLoginAccount: '10/15m',
  /** Failed sign-ins per client address, whatever the account. */
  rateLimitLoginAddress: '30/15m',
  /** Sign-ups per client address, and per day. */
  rateLimitSignupAddress: '5/1h',
  rateLimitSignupAddressDaily: '20/1d',
  /** Failed redeem attempts per user. */
  rateLimitRedeem: '10/15m',
  /** Failed password changes per user. */
  rateLimitPassword: '10/15m',
  /** Generation requests per user. */
  rateLimitGenerate: '30/1m',
}
