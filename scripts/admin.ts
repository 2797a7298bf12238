/**
 * The deployer's command line: `npm run admin -- <command>`. Works on the SQLite file directly
 * (`$NUXT_DATA_DIR/nano-banana.db`, default ./data), with or without the server running.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { z } from 'zod'
import { migrateFromFolder, openDatabase, setDb } from '../server/db'
import { ensureAdmin } from '../server/services/accounts'
import { addCredits, listUsers, promoteUser } from '../server/services/admin'
import { configFromEnv, resolveServerConfig, setServerConfig } from '../server/utils/config'
import { AppError } from '../server/utils/errors'
import { CreditAmountSchema, CreditReasonSchema } from '../shared/schemas/admin'
import { EmailSchema, PasswordSchema } from '../shared/schemas/auth'

const USAGE = `Usage: npm run admin -- <command> [arguments]

Commands:
  create-admin <email> <password>        create an admin account, or make an existing account an
                                         admin with this password (its old sign-ins end)
  promote <email>                        make an existing account an admin
  grant <email> <amount> --reason text   add credits (a negative amount deducts; not below zero)
  list-users [--query text]              list accounts, newest first (at most 100)
  help                                   show this text

The database is $NUXT_DATA_DIR/nano-banana.db (default ./data/nano-banana.db); migrations are applied first.
Exit codes: 0 done, 1 the operation failed, 2 wrong usage.`

class UsageError extends Error {}

function parse<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const result = schema.safeParse(value)
  if (!result.success) throw new UsageError(`${name}: ${result.error.issues[0]?.message ?? 'not valid'}`)
  return result.data
}

// The server's settings, from the same NUXT_* variables and with the same defaults.
const config = resolveServerConfig(configFromEnv(), true)
setServerConfig(config)

function openDataFolder() {
  const db = openDatabase(join(config.dataDir, 'nano-banana.db'))
  migrateFromFolder(db, fileURLToPath(new URL('../drizzle', import.meta.url)))
  setDb(db)
  return db
}

const OPTIONS_WITH_VALUE = new Set(['reason', 'query'])

/** `--reason text`, `--reason=text`, `--query …`, `--help`; everything else (a negative amount too) is an argument. */
function parseArgv(argv: string[]) {
  const values: Record<string, string> = {}
  const positionals: string[] = []
  let help = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const option = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg)
    if (arg === '-h' || arg === '--help') help = true
    else if (option && OPTIONS_WITH_VALUE.has(option[1]!)) {
      const value = option[2] ?? argv[++i]
      if (value === undefined) throw new UsageError(`--${option[1]} needs a value`)
      values[option[1]!] = value
    }
    else if (option) throw new UsageError(`unknown option: ${arg}`)
    else positionals.push(arg)
  }
  return { values, positionals, help }
}

async function run(argv: string[]): Promise<void> {
  const { values, positionals, help } = parseArgv(argv)
  const [command, ...args] = positionals
  if (command === 'help' || help) {
    console.log(USAGE)
    return
  }
  if (!command) throw new UsageError('no command given')
  const expect = (count: number) => {
    if (args.length !== count) throw new UsageError(`${command} takes ${count} argument${count === 1 ? '' : 's'}`)
  }

  switch (command) {
    case 'create-admin': {
      expect(2)
      const email = parse(EmailSchema, args[0], 'email')
      const password = parse(PasswordSchema, args[1], 'password (8 to 128 characters)')
      openDataFolder()
      const { user, created } = await ensureAdmin(email, password, config.signupCredits)
      console.log(`${created ? 'Created' : 'Updated'} admin ${user.email} (id ${user.id})`)
      return
    }
    case 'promote': {
      expect(1)
      const email = parse(EmailSchema, args[0], 'email')
      openDataFolder()
      const user = await promoteUser(email)
      console.log(`${user.email} (id ${user.id}) is now an admin`)
      return
    }
    case 'grant': {
      expect(2)
      const email = parse(EmailSchema, args[0], 'email')
      const amount = parse(CreditAmountSchema, Number(args[1]), 'amount (a non-zero integer from -100000 to 100000)')
      const reason = parse(CreditReasonSchema, values.reason ?? '', 'reason (--reason "why")')
      openDataFolder()
      const user = await addCredits({ email, amount, reason }, null, 'cli')
      console.log(`${user.email}: ${amount > 0 ? '+' : ''}${amount} credits, balance ${user.credits}`)
      return
    }
    case 'list-users': {
      expect(0)
      openDataFolder()
      const query = (values.query ?? '').trim().toLowerCase()
      const { items, total } = await listUsers({ query, page: 1, pageSize: 100, sort: 'createdAt', order: 'desc' })
      console.table(items.map(u => ({ id: u.id, email: u.email, role: u.role, credits: u.credits, disabled: u.disabled, creations: u.creationsCount, lastActive: u.lastActiveAt })))
      console.log(`${items.length} of ${total} users`)
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
