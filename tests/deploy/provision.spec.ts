import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, tempDir } from '../support/server'

const PROVISION = join(ROOT, 'deploy/provision.sh')
const DOMAIN = 'draw.example.org'

function run(command: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env } })
  if (result.error) throw new Error(`${command} could not run (${result.error.message}): \`.ci/run\` installs it`)
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}${result.stderr}` }
}

function provision(...args: string[]) {
  return run('bash', [PROVISION, ...args])
}

/** Every entry under dir with its type, mode and content hash (or link target): equal trees, equal maps. */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = join(prefix, name)
    const stat = lstatSync(join(dir, rel))
    const mode = (stat.mode & 0o7777).toString(8)
    if (stat.isSymbolicLink()) out[rel] = `link -> ${readlinkSync(join(dir, rel))}`
    else if (stat.isDirectory()) Object.assign(out, { [rel]: `dir ${mode}` }, tree(dir, rel))
    else out[rel] = `file ${mode} ${createHash('sha256').update(readFileSync(join(dir, rel))).digest('hex')}`
  }
  return out
}

function changeLines(output: string) {
  return output.split('\n').filter(line => /^(written|created|linked|removed|chmod|chown|added|enabled|started|restarted)\s/.test(line))
}

describe('deploy/provision.sh', () => {
  it('passes shellcheck, like every shell script that ships', () => {
    const scripts = ['deploy/provision.sh', 'deploy/backup.sh', 'deploy/release.sh', 'deploy/nginx/docker-entrypoint.sh'].map(f => join(ROOT, f))
    const { status, output } = run('shellcheck', ['--severity=style', ...scripts])
    expect(output).toBe('')
    expect(status).toBe(0)
  })

  it('run twice in a throwaway root, writes the same tree and reports nothing changed the second time', () => {
    const root = tempDir('nano-banana-provision-')
    const first = provision('--root', root, '--domain', DOMAIN, '--deploy-user', 'deployer')
    expect(first.status, first.output).toBe(0)
    expect(changeLines(first.stdout).length).toBeGreaterThan(10)
    const once = tree(root)

    const second = provision('--root', root, '--domain', DOMAIN, '--deploy-user', 'deployer')
    expect(second.status, second.output).toBe(0)
    expect(changeLines(second.stdout)).toEqual([])
    expect(second.stdout).toMatch(/^provision\.sh: nothing changed$/m)
    expect(tree(root)).toEqual(once)

    // Package installs and service changes are skipped under --root, and said so.
    expect(first.stdout).toMatch(/^skipped\s+apt-get install .*nginx/m)
    expect(first.stdout).toMatch(/^skipped\s+systemctl daemon-reload/m)
    expect(first.stdout).toMatch(/^skipped\s+systemctl enable nano-banana-backup\.timer/m)

    expect(Object.keys(once)).toEqual(expect.arrayContaining([
      'etc/nano-banana/env',
      'etc/systemd/system/nano-banana.service',
      'etc/systemd/system/nano-banana-backup.service',
      'etc/systemd/system/nano-banana-backup.timer',
      'usr/local/lib/nano-banana/backup.sh',
      'etc/nginx/sites-available/nano-banana',
      'etc/systemd/journald.conf.d/nano-banana.conf',
      'etc/sudoers.d/nano-banana-deploy',
      'etc/apt/sources.list.d/nodesource.list',
      'opt/nano-banana/releases',
      'var/lib/nano-banana',
      'var/backups/nano-banana',
    ]))
    expect(once['etc/nano-banana/env']).toMatch(/^file 640 /)
    expect(once['etc/sudoers.d/nano-banana-deploy']).toMatch(/^file 440 /)
    expect(once['usr/local/lib/nano-banana/backup.sh']).toMatch(/^file 755 /)
    expect(once['var/lib/nano-banana']).toBe('dir 750')
    expect(once['etc/nano-banana']).toBe('dir 750')
    expect(readFileSync(join(root, 'etc/systemd/system/nano-banana.service'), 'utf8')).toBe(readFileSync(join(ROOT, 'deploy/systemd/nano-banana.service'), 'utf8'))
    expect(readFileSync(join(root, 'etc/sudoers.d/nano-banana-deploy'), 'utf8')).toMatch(/^deployer ALL=\(root\) NOPASSWD: \/usr\/bin\/systemctl restart nano-banana$/m)
  })

  it('generates NUXT_JWT_SECRET once and keeps it, even when the rest of the file changes', () => {
    const root = tempDir('nano-banana-provision-')
    expect(provision('--root', root, '--domain', DOMAIN).status).toBe(0)
    const envFile = join(root, 'etc/nano-banana/env')
    const secret = /^NUXT_JWT_SECRET=(.*)$/m.exec(readFileSync(envFile, 'utf8'))?.[1]
    expect(secret).toMatch(/^[0-9a-f]{64}$/)

    writeFileSync(envFile, `${readFileSync(envFile, 'utf8')}NUXT_IMAGE_API_KEY=sk-mine\n`)
    const again = provision('--root', root, '--domain', DOMAIN)
    expect(again.status).toBe(0)
    const kept = readFileSync(envFile, 'utf8')
    expect(kept.match(/^NUXT_JWT_SECRET=.*$/gm)).toEqual([`NUXT_JWT_SECRET=${secret}`])
    expect(kept).toMatch(/^NUXT_IMAGE_API_KEY=sk-mine$/m)

    // Another machine gets another secret.
    const other = tempDir('nano-banana-provision-')
    expect(provision('--root', other, '--domain', DOMAIN).status).toBe(0)
    expect(readFileSync(join(other, 'etc/nano-banana/env'), 'utf8')).not.toContain(secret!)
  })

  it('renders the Nginx site for the domain and enables it once the certificate exists', () => {
    const root = tempDir('nano-banana-provision-')
    const first = provision('--root', root, '--domain', DOMAIN)
    const site = readFileSync(join(root, 'etc/nginx/sites-available/nano-banana'), 'utf8')
    expect(site).toBe(readFileSync(join(ROOT, 'deploy/nginx/nano-banana.conf'), 'utf8').replaceAll('example.com', DOMAIN))
    expect(site).toContain(`ssl_certificate /etc/letsencrypt/live/${DOMAIN}/fullchain.pem;`)
    expect(first.stdout).toMatch(/^not yet\s+\/etc\/nginx\/sites-enabled\/nano-banana: no certificate/m)
    expect(existsSync(join(root, 'etc/nginx/sites-enabled/nano-banana'))).toBe(false)

    mkdirSync(join(root, 'etc/letsencrypt/live', DOMAIN), { recursive: true })
    writeFileSync(join(root, 'etc/letsencrypt/live', DOMAIN, 'fullchain.pem'), 'certificate')
    const withCertificate = provision('--root', root, '--domain', DOMAIN)
    expect(changeLines(withCertificate.stdout)).toEqual(['linked     /etc/nginx/sites-enabled/nano-banana -> /etc/nginx/sites-available/nano-banana'])
    expect(readlinkSync(join(root, 'etc/nginx/sites-enabled/nano-banana'))).toBe('/etc/nginx/sites-available/nano-banana')
    expect(withCertificate.stdout).toMatch(/^skipped\s+systemctl reload-or-restart nginx/m)
    expect(changeLines(provision('--root', root, '--domain', DOMAIN).stdout)).toEqual([])

    // Another domain, without a certificate yet: the site is no longer enabled, so Nginx still loads.
    const moved = provision('--root', root, '--domain', `new.${DOMAIN}`)
    expect(moved.status, moved.output).toBe(0)
    expect(changeLines(moved.stdout)).toEqual([
      'written    /etc/nginx/sites-available/nano-banana',
      'removed    /etc/nginx/sites-enabled/nano-banana',
    ])
  })

  it('changes nothing with --dry-run, and says what it would do', () => {
    const root = tempDir('nano-banana-provision-')
    const dry = provision('--root', root, '--domain', DOMAIN, '--dry-run')
    expect(dry.status, dry.output).toBe(0)
    expect(readdirSync(root)).toEqual([])
    expect(dry.stdout).toMatch(/^written\s+\/etc\/nano-banana\/env \(dry run: not done\)$/m)
    expect(dry.stdout).toMatch(/^provision\.sh: \d+ change\(s\) would be made$/m)
  })

  it('explains its options, and refuses wrong ones with exit code 2', () => {
    const help = provision('--help')
    expect(help.status).toBe(0)
    for (const option of ['--domain', '--email', '--deploy-user', '--root', '--dry-run']) expect(help.stdout).toContain(option)
    expect(provision('--root', tempDir()).status).toBe(2)
    expect(provision('--domain', 'not a domain', '--root', tempDir()).status).toBe(2)
    expect(provision('--domain', DOMAIN, '--email', 'nobody', '--root', tempDir()).status).toBe(2)
    const unknown = provision('--domain', DOMAIN, '--frobnicate')
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/unknown option '--frobnicate'/)
  })
})

describe('deploy/systemd units', () => {
  /** The units as installed, except what verify needs to exist on this machine: node and backup.sh. */
  function renderedUnits() {
    const dir = tempDir('nano-banana-units-')
    for (const name of ['nano-banana.service', 'nano-banana-backup.service', 'nano-banana-backup.timer']) {
      const text = readFileSync(join(ROOT, 'deploy/systemd', name), 'utf8')
        .replaceAll('/usr/bin/node ', `${process.execPath} `)
        .replaceAll('/usr/local/lib/nano-banana/backup.sh', join(ROOT, 'deploy/backup.sh'))
      writeFileSync(join(dir, name), text)
    }
    return dir
  }

  it('pass systemd-analyze verify without a warning', () => {
    const dir = renderedUnits()
    const { status, output } = run('systemd-analyze', ['verify', ...['nano-banana.service', 'nano-banana-backup.service', 'nano-banana-backup.timer'].map(n => join(dir, n))])
    expect(output).toBe('')
    expect(status).toBe(0)
  })

  it('run the backup each night, catching up on a night the machine was off', () => {
    const timer = readFileSync(join(ROOT, 'deploy/systemd/nano-banana-backup.timer'), 'utf8')
    expect(timer).toMatch(/^OnCalendar=\*-\*-\* \d{2}:\d{2}:\d{2}$/m)
    expect(timer).toMatch(/^Persistent=true$/m)
    expect(readFileSync(join(ROOT, 'deploy/systemd/nano-banana-backup.service'), 'utf8'))
      .toMatch(/^ExecStart=\/usr\/local\/lib\/nano-banana\/backup\.sh \/var\/backups\/nano-banana 7$/m)
  })

  it('are sandboxed: systemd-analyze security rates both services OK or better', () => {
    const dir = renderedUnits()
    for (const name of ['nano-banana.service', 'nano-banana-backup.service']) {
      const { output } = run('systemd-analyze', ['security', '--offline=true', '--no-pager', join(dir, name)])
      const level = /Overall exposure level for \S+: ([\d.]+) (\w+)/.exec(output)
      expect(level, output).not.toBeNull()
      // systemd's bands: below 2 is OK, 0 to 1 is SAFE.
      expect(Number(level![1]), output).toBeLessThan(2)
    }
  })
})
