/**
 * The deployer's command line. On a server: `node .output/server/cli.mjs <command>` (built with the
 * app, needs nothing else); in the source tree: `npm run admin -- <command>`. Works on the data
 * folder's SQLite file directly (`$NUXT_DATA_DIR/nano-banana.db`, default ./data), with or without
 * the server running. Settings come from the environment, then from `.env` (or `--env <file>`).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { z } from 'zod'
import { DATABASE_FILE, openDatabase, setDatabase } from '../server/db'
import { ensureAdmin } from '../server/services/accounts'
import { addCredits, listUsers, promoteUser } from '../server/services/admin'
import { backupDataFolder, hasDatabase, restoreDataFolder, type BackupSummary } from '../server/services/backup'
import { migrateToPostgres } from '../server/services/migrate'
import { createLocalImageStore } from '../server/services/storage/local'
import { checkBucket, createS3ImageStore } from '../server/services/storage/s3'
import { configFromEnv, resolveServerConfig, s3SettingsProblem, setServerConfig, type ServerConfig } from '../server/utils/config'
import { AppError } from '../server/utils/errors'
import { CreditAmountSchema, CreditReasonSchema } from '../shared/schemas/admin'
import { EmailSchema, PasswordSchema } from '../shared/schemas/auth'

const USAGE = `Usage: node .output/server/cli.mjs <command> [arguments] [options]
       (in the source tree: npm run admin -- <command> [arguments] [options])

Commands:
  create-admin <email> <password>        create an admin account, or make an existing account an
                                         admin with this password (its old sign-ins end)
  promote <email>                        make an existing account an admin
  grant <email> <amount> --reason text   add credits (a negative amount deducts; not below zero)
  list-users [--query text]              list accounts, newest first (at most 100)
  backup <folder>                        copy the database (SQLite's online backup, safe while the
                                         server runs) and the images into a new folder (images in
                                         an S3 bucket stay there: the database only)
  restore <folder> [--replace]           put a backup back into the data folder (stop the server
                                         first; --replace overwrites a database that is there)
  migrate --to <postgres-url> [--s3]     copy the data folder's SQLite database into PostgreSQL (stop
                                         the server first), and with --s3 its images into the bucket
                                         NUXT_S3_* name; then verify; safe to run again
  help                                   show this text

Options:
  --env <file>        read settings from this file (default: .env in the current folder, if any);
                      variables already set in the environment win
  --init              create the database if the data folder has none (otherwise refused)
  --to <url>          migrate: the PostgreSQL database to fill (postgres://user:password@host/db)
  --s3                migrate: copy the images folder into the S3 bucket too

The database is $NUXT_DATA_DIR/nano-banana.db (default ./data/nano-banana.db), or PostgreSQL at
$NUXT_DATABASE_URL (migrate always reads the SQLite file); migrations are applied first.
Exit codes: 0 done, 1 the operation failed, 2 wrong usage.`

class UsageError extends Error {}

function parse<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const result = schema.safeParse(value)
  if (!result.success) throw new UsageError(`${name}: ${result.error.issues[0]?.message ?? 'not valid'}`)
  return result.data
}

/** The server's settings, from the same NUXT_* variables and with the same defaults. */
function loadConfig(envFile: string | undefined): ServerConfig {
  if (envFile && !existsSync(envFile)) throw new UsageError(`--env: ${envFile} does not exist`)
  const file = envFile ?? (existsSync('.env') ? '.env' : undefined)
  if (file) process.loadEnvFile(file)
  const config = resolveServerConfig(configFromEnv(), true)
  setServerConfig(config)
  return config
}

// Beside the bundle (.output/server/drizzle, copied by the build) or in the source tree.
function migrationsFolder() {
  const candidates = ['./drizzle', '../drizzle'].map(path => fileURLToPath(new URL(path, import.meta.url)))
  const found = candidates.find(folder => existsSync(join(folder, 'meta/_journal.json')))
  if (!found) throw new Error(`no migrations found (looked in ${candidates.join(', ')})`)
  return found
}

/**
 * Opens (and migrates) the configured database: PostgreSQL at NUXT_DATABASE_URL, or the data folder's
 * SQLite file — a folder without one is refused unless `init`.
 */
async function openDataFolder(config: ServerConfig, init: boolean) {
  if (!config.databaseUrl && !init && !await hasDatabase(config.dataDir)) {
    throw new Error(`no database at ${join(config.dataDir, DATABASE_FILE)}: check NUXT_DATA_DIR (or .env / --env), or add --init to create one`)
  }
  setDatabase(await openDatabase(config, migrationsFolder()))
}

/** The S3 bucket the pictures are in, when NUXT_S3_* say so (a backup then copies the database only). */
function imageBucket(config: ServerConfig) {
  if (!config.s3) return undefined
  const problem = s3SettingsProblem(config.s3)
  if (problem) throw new Error(problem)
  return createS3ImageStore(config.s3)
}

function describeBackup(summary: BackupSummary) {
  const inBucket = summary.imagesIn === 'bucket'
  const lines = [`${summary.users} users, ${summary.creations} creations, ${summary.ledgerRows} ledger rows, ${summary.images} image files${inBucket ? ' in the S3 bucket (not copied: back the bucket up with the storage service\'s own tools)' : ''}`]
  if (summary.missingImages.length) lines.push(`warning: ${summary.missingImages.length} pictures ${inBucket ? 'are not in the bucket' : 'were deleted while copying'}: ${summary.missingImages.join(', ')}`)
  return lines.join('\n')
}

const OPTIONS_WITH_VALUE = new Set(['reason', 'query', 'env', 'to'])
const FLAGS = new Set(['init', 'replace', 's3'])

/** `--reason text`, `--reason=text`, `--query …`, `--help`; everything else (a negative amount too) is an argument. */
function parseArgv(argv: string[]) {
  const values: Record<string, string> = {}
  const flags = new Set<string>()
  const positionals: string[] = []
  let help = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const option = /^--([a-z0-9-]+)(?:=(.*))?$/s.exec(arg)
    if (arg === '-h' || arg === '--help') help = true
    else if (option && OPTIONS_WITH_VALUE.has(option[1]!)) {
      const value = option[2] ?? argv[++i]
      if (value === undefined) throw new UsageError(`--${option[1]} needs a value`)
      values[option[1]!] = value
    }
    else if (option && FLAGS.has(option[1]!) && option[2] === undefined) flags.add(option[1]!)
    else if (option) throw new UsageError(`unknown option: ${arg}`)
    else positionals.push(arg)
  }
  return { values, flags, positionals, help }
}

async function run(argv: string[]): Promise<void> {
  const { values, flags, positionals, help } = parseArgv(argv)
  const [command, ...args] = positionals
  if (command === 'help' || help) {
    console.log(USAGE)
    return
  }
  if (!command) throw new UsageError('no command given')
  const config = loadConfig(values.env)
  const open = () => openDataFolder(config, flags.has('init'))
  const expect = (count: number) => {
    if (args.length !== count) throw new UsageError(`${command} takes ${count} argument${count === 1 ? '' : 's'}`)
  }

  switch (command) {
    case 'create-admin': {
      expect(2)
      const email = parse(EmailSchema, args[0], 'email')
      const password = parse(PasswordSchema, args[1], 'password (8 to 128 characters)')
      await open()
      const { user, created } = await ensureAdmin(email, password, config.signupCredits)
      console.log(`${created ? 'Created' : 'Updated'} admin ${user.email} (id ${user.id})`)
      return
    }
    case 'promote': {
      expect(1)
      const email = parse(EmailSchema, args[0], 'email')
      await open()
      const user = await promoteUser(email)
      console.log(`${user.email} (id ${user.id}) is now an admin`)
      return
    }
    case 'grant': {
      expect(2)
      const email = parse(EmailSchema, args[0], 'email')
      const amount = parse(CreditAmountSchema, Number(args[1]), 'amount (a non-zero integer from -100000 to 100000)')
      const reason = parse(CreditReasonSchema, values.reason ?? '', 'reason (--reason "why")')
      await open()
      const user = await addCredits({ email, amount, reason }, null, 'cli')
      console.log(`${user.email}: ${amount > 0 ? '+' : ''}${amount} credits, balance ${user.credits}`)
      return
    }
    case 'list-users': {
      expect(0)
      await open()
      const query = (values.query ?? '').trim().toLowerCase()
      const { items, total } = await listUsers({ query, page: 1, pageSize: 100, sort: 'createdAt', order: 'desc' })
      console.table(items.map(u => ({ id: u.id, email: u.email, role: u.role, credits: u.credits, disabled: u.disabled, creations: u.creationsCount, lastActive: u.lastActiveAt })))
      console.log(`${items.length} of ${total} users`)
      return
    }
    case 'backup': {
      expect(1)
      if (config.databaseUrl) throw new Error('backup copies a SQLite data folder; with NUXT_DATABASE_URL set, back up PostgreSQL with pg_dump (and the image store on its own)')
      const summary = await backupDataFolder(config.dataDir, args[0]!, imageBucket(config))
      console.log(`Backed up ${config.dataDir} to ${args[0]}: ${describeBackup(summary)}`)
      return
    }
    case 'restore': {
      expect(1)
      if (config.databaseUrl) throw new Error('restore fills a SQLite data folder; with NUXT_DATABASE_URL set, restore PostgreSQL with pg_restore')
      const summary = await restoreDataFolder(args[0]!, config.dataDir, flags.has('replace'), imageBucket(config))
      console.log(`Restored ${args[0]} into ${config.dataDir}: ${describeBackup(summary)}`)
      return
    }
    case 'migrate': {
      expect(0)
      if (!values.to || !/^postgres(?:ql)?:\/\/./.test(values.to)) throw new UsageError('migrate needs --to postgres://user:password@host:port/database')
      const copyImages = flags.has('s3')
      if (copyImages && !config.s3) throw new UsageError('--s3 copies the images into the bucket NUXT_S3_* name: set NUXT_S3_BUCKET, NUXT_S3_ACCESS_KEY_ID, NUXT_S3_SECRET_ACCESS_KEY (and NUXT_S3_ENDPOINT, NUXT_S3_REGION as the service needs)')
      if (config.s3) await checkBucket(config.s3)
      const images = imageBucket(config) ?? createLocalImageStore(join(config.dataDir, 'images'))
      const { problems } = await migrateToPostgres({ dataDir: config.dataDir, url: values.to, migrations: migrationsFolder(), images, copyImages, log: line => console.log(line) })
      if (!copyImages) {
        console.log(config.s3
          ? 'Images: not copied (no --s3); they are in the S3 bucket NUXT_S3_* name: the server on PostgreSQL needs the same NUXT_S3_* settings.'
          : `Images: not copied (no --s3); they stay in ${join(config.dataDir, 'images')}: the server on PostgreSQL needs the same NUXT_DATA_DIR.`)
      }
      if (problems.length) throw new Error(`the target does not match the source:\n  ${problems.join('\n  ')}`)
      console.log('Verified: every table\'s rows, the credits, each balance against its ledger, and every creation\'s picture in the store.')
      return
    }
    default:
      throw new UsageError(`unknown command: ${command}`)
  }
}

function failureMessage(error: unknown) {
  if (error instanceof AppError) return `${error.code}: ${error.message}`
  return error instanceof Error ? error.message : String(error)
}

run(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    const usage = error instanceof UsageError
    console.error(`error: ${failureMessage(error)}`)
    if (usage) console.error(`\n${USAGE}`)
    process.exit(usage ? 2 : 1)
  },
)
