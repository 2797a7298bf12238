#!/usr/bin/env bash
# Prepares a fresh Debian 12 or Ubuntu 24.04 VPS for Nano-Banana: Node 24, the nano-banana user and
# folders, the systemd units, the Nginx site with its Let's Encrypt certificate, the secret, the
# nightly backup. Idempotent: run it again at any time; it changes only what differs and says so.
# It reads the templates next to it, so run it from a copy of the repository's deploy/ folder:
#   scp -r deploy root@vps:nano-banana-deploy
#   ssh root@vps nano-banana-deploy/provision.sh --domain example.com --email you@example.com
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
  cat <<'EOF'
Usage: provision.sh --domain NAME [options]

  --domain NAME       the site's domain name (Nginx server_name and certificate)
  --email ADDRESS     get a Let's Encrypt certificate for NAME with certbot, agreeing to its terms
                      (without it, the site is enabled once a certificate is at
                      /etc/letsencrypt/live/NAME/fullchain.pem)
  --deploy-user USER  an SSH account that may upload releases into /opt/nano-banana and restart the
                      service (what .github/workflows/deploy.yml logs in as); default: root deploys
  --root DIR          write every file under DIR instead of /, install no package, start and reload
                      nothing (each skipped step is printed): for trying it out and for CI
  --dry-run           print what would change, change nothing
  -h, --help          this text

Files it manages: /etc/nano-banana/env (NUXT_JWT_SECRET generated once, never replaced),
/etc/systemd/system/nano-banana{,-backup}.service, nano-banana-backup.timer,
/usr/local/lib/nano-banana/backup.sh, /etc/nginx/sites-{available,enabled}/nano-banana,
/etc/systemd/journald.conf.d/nano-banana.conf, the NodeSource apt source, and with --deploy-user
/etc/sudoers.d/nano-banana-deploy.
EOF
}

domain=''
email=''
deploy_user=''
root=''
dry_run=0

fail() {
  echo "provision.sh: $*" >&2
  exit 2
}

value() {
  if [ $# -lt 2 ] || [ -z "$2" ]; then fail "$1 needs a value (see --help)"; fi
  printf '%s' "$2"
}

while [ $# -gt 0 ]; do
  case $1 in
    --domain) domain=$(value "$@"); shift 2 ;;
    --domain=*) domain=${1#*=}; shift ;;
    --email) email=$(value "$@"); shift 2 ;;
    --email=*) email=${1#*=}; shift ;;
    --deploy-user) deploy_user=$(value "$@"); shift 2 ;;
    --deploy-user=*) deploy_user=${1#*=}; shift ;;
    --root) root=$(value "$@"); shift 2 ;;
    --root=*) root=${1#*=}; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) fail "unknown option '$1' (see --help)" ;;
  esac
done

[ -n "$domain" ] || fail '--domain is required (see --help)'
[[ $domain =~ ^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$ ]] ||
  fail "'$domain' is not a domain name"
[ -z "$email" ] || [[ $email =~ ^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$ ]] || fail "'$email' is not an email address"
[ -z "$deploy_user" ] || [[ $deploy_user =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || fail "'$deploy_user' is not a user name"
[ -z "$deploy_user" ] || [ "$deploy_user" != root ] || fail '--deploy-user root is the default: leave the option out'
if [ -n "$root" ]; then
  mkdir -p "$root"
  root=$(cd "$root" && pwd)
  [ "$root" != / ] || fail '--root / is the real system: leave the option out'
fi
if [ -z "$root" ] && [ "$dry_run" = 0 ] && [ "$(id -u)" -ne 0 ]; then
  fail 'run it as root (or with --dry-run or --root DIR)'
fi

on_system() { [ -z "$root" ]; }

changes=0
say() { printf '%-10s %s\n' "$1" "$2"; }
changed() {
  changes=$((changes + 1))
  if [ "$dry_run" = 1 ]; then say "$1" "$2 (dry run: not done)"; else say "$1" "$2"; fi
}

# A command that acts on the machine itself: skipped under --root, only printed under --dry-run.
sys() {
  if ! on_system; then
    say skipped "$* (--root)"
  elif [ "$dry_run" = 1 ]; then
    say would "run $*"
  else
    "$@"
  fi
}

# The same for a step already announced by `changed`: nothing more is printed.
quietly() {
  if on_system && [ "$dry_run" = 0 ]; then "$@"; fi
}

# Mode and owner of PATH (owner only on the real system: under --root the users do not exist).
attrs() {
  local rel=$1 mode=$2 owner=$3 path=$root$1
  if [ ! -e "$path" ]; then return 0; fi
  if [ "$(stat -c %a "$path")" != "${mode#0}" ]; then
    changed chmod "$mode $rel"
    if [ "$dry_run" = 0 ]; then chmod "$mode" "$path"; fi
  fi
  if on_system && [ "$(stat -c %U:%G "$path")" != "$owner" ]; then
    changed chown "$owner $rel"
    if [ "$dry_run" = 0 ]; then chown "$owner" "$path"; fi
  fi
}

dir() {
  local rel=$1 mode=$2 owner=$3
  if [ -d "$root$rel" ]; then
    attrs "$rel" "$mode" "$owner"
  else
    changed created "$rel/"
    if [ "$dry_run" = 0 ]; then
      mkdir -p "$root$rel"
      chmod "$mode" "$root$rel"
      if on_system; then chown "$owner" "$root$rel"; fi
    fi
  fi
}

# put PATH MODE OWNER:GROUP < content. Writes only when the content differs; sets `wrote`.
wrote=0
put() {
  local rel=$1 mode=$2 owner=$3 path=$root$1 new
  new=$(mktemp)
  cat >"$new"
  if [ -f "$path" ] && [ ! -L "$path" ] && cmp -s "$new" "$path"; then
    rm -f "$new"
    wrote=0
    say unchanged "$rel"
    attrs "$rel" "$mode" "$owner"
    return 0
  fi
  wrote=1
  changed written "$rel"
  if [ "$dry_run" = 1 ]; then
    rm -f "$new"
    return 0
  fi
  mkdir -p "$(dirname "$path")"
  chmod "$mode" "$new"
  if on_system; then chown "$owner" "$new"; fi
  # Same folder, then one rename: readers never see half a file.
  mv -f "$new" "$path.provision-new"
  mv -f "$path.provision-new" "$path"
}

link() {
  local rel=$1 target=$2
  if [ -L "$root$rel" ] && [ "$(readlink "$root$rel")" = "$target" ]; then
    wrote=0
    say unchanged "$rel -> $target"
    return 0
  fi
  wrote=1
  changed linked "$rel -> $target"
  if [ "$dry_run" = 0 ]; then
    mkdir -p "$(dirname "$root$rel")"
    ln -sfn "$target" "$root$rel"
  fi
}

remove() {
  local rel=$1
  if [ -e "$root$rel" ] || [ -L "$root$rel" ]; then
    changed removed "$rel"
    if [ "$dry_run" = 0 ]; then rm -f "$root$rel"; fi
  fi
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# --- the system -------------------------------------------------------------------------------------
if on_system; then
  # shellcheck source=/dev/null
  . /etc/os-release
  case "${ID:-}-${VERSION_ID:-}" in
    debian-12 | ubuntu-24.04) ;;
    *) echo "provision.sh: written for Debian 12 and Ubuntu 24.04, this is ${PRETTY_NAME:-unknown}: going on" >&2 ;;
  esac
fi

packages=(nginx curl ca-certificates openssl rsync)
if [ -n "$email" ]; then packages+=(certbot); fi
if [ -n "$deploy_user" ]; then packages+=(sudo); fi
if on_system; then
  missing=()
  for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    sys apt-get update -qq
    sys env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    say unchanged "packages ${packages[*]}"
  fi
else
  sys apt-get install -y "${packages[@]}"
fi

# Node 24 LTS from NodeSource: Debian 12 and Ubuntu 24.04 both ship Node 18, past its end of life
# (April 2025), and the app wants Node >= 20.19. NodeSource's node_24.x line follows the LTS releases.
put /etc/apt/sources.list.d/nodesource.list 0644 root:root <<'EOF'
deb [signed-by=/etc/apt/keyrings/nodesource.asc] https://deb.nodesource.com/node_24.x nodistro main
EOF
nodesource_changed=$wrote
# Debian's own nodejs package never replaces NodeSource's, whatever its version number.
put /etc/apt/preferences.d/nodesource 0644 root:root <<'EOF'
Package: nodejs
Pin: origin deb.nodesource.com
Pin-Priority: 600
EOF
if [ "$wrote" = 1 ]; then nodesource_changed=1; fi
if [ -f "$root/etc/apt/keyrings/nodesource.asc" ]; then
  say unchanged /etc/apt/keyrings/nodesource.asc
else
  dir /etc/apt/keyrings 0755 root:root
  sys curl -fsSLo /etc/apt/keyrings/nodesource.asc https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key
  nodesource_changed=1
fi
node_major=0
if on_system && command -v node >/dev/null; then node_major=$(node -p 'process.versions.node.split(".")[0]'); fi
if [ "$node_major" -ge 24 ]; then
  say unchanged "node $(node --version)"
else
  if [ "$nodesource_changed" = 1 ]; then sys apt-get update -qq; fi
  sys env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs
fi

# --- users and folders ------------------------------------------------------------------------------
if ! on_system; then
  say skipped "useradd nano-banana (--root)"
elif id nano-banana >/dev/null 2>&1; then
  say unchanged 'user nano-banana'
else
  changed created 'user nano-banana'
  quietly useradd --system --user-group --home-dir /var/lib/nano-banana --no-create-home --shell /usr/sbin/nologin nano-banana
fi

app_owner=root:root
if [ -n "$deploy_user" ]; then
  if ! on_system; then
    say skipped "useradd $deploy_user (--root)"
    app_owner=$deploy_user:$deploy_user
  elif id "$deploy_user" >/dev/null 2>&1; then
    say unchanged "user $deploy_user"
    app_owner=$deploy_user:$(id -gn "$deploy_user")
  else
    changed created "user $deploy_user"
    quietly useradd --create-home --user-group --shell /bin/bash "$deploy_user"
    app_owner=$deploy_user:$deploy_user
  fi
fi

# Releases are uploaded into /opt/nano-banana/releases/<id>; `current` points at the one in service.
dir /opt/nano-banana 0755 "$app_owner"
dir /opt/nano-banana/releases 0755 "$app_owner"
dir /var/lib/nano-banana 0750 nano-banana:nano-banana
dir /var/backups/nano-banana 0750 nano-banana:nano-banana
dir /etc/nano-banana 0750 root:nano-banana
dir /usr/local/lib/nano-banana 0755 root:root
dir /var/www/letsencrypt 0755 root:root

# --- settings and secret ----------------------------------------------------------------------------
env_file=/etc/nano-banana/env
app_changed=0
if [ -f "$root$env_file" ]; then
  if grep -Eq '^NUXT_JWT_SECRET=.{32,}' "$root$env_file"; then
    say kept "$env_file (NUXT_JWT_SECRET is never replaced: that would sign everyone out)"
  else
    changed added "NUXT_JWT_SECRET to $env_file"
    if [ "$dry_run" = 0 ]; then printf 'NUXT_JWT_SECRET=%s\n' "$(openssl rand -hex 32)" >>"$root$env_file"; fi
    app_changed=1
  fi
  attrs "$env_file" 0640 root:nano-banana
else
  put "$env_file" 0640 root:nano-banana <<EOF
# Nano-Banana's settings and secrets (README.md lists every variable). Read by nano-banana.service and
# the backup; after a change: systemctl restart nano-banana
# HOST, PORT, NUXT_DATA_DIR and NUXT_TRUST_PROXY are set in the unit to match Nginx and the sandbox.

# Signs sign-in tokens. Generated once by provision.sh; replacing it signs everyone out.
NUXT_JWT_SECRET=$(openssl rand -hex 32)

# The image API (without a key, the built-in demo provider draws placeholders).
#NUXT_IMAGE_API_KEY=
#NUXT_IMAGE_API_BASE_URL=https://api.openai-hk.com
NUXT_IMAGE_API_TIMEOUT_MS=300000

# The first admin account (or: node /opt/nano-banana/current/.output/server/cli.mjs create-admin ...).
#NUXT_ADMIN_EMAIL=
#NUXT_ADMIN_PASSWORD=
EOF
  app_changed=1
fi

# --- systemd ----------------------------------------------------------------------------------------
units_changed=0
put /etc/systemd/system/nano-banana.service 0644 root:root <"$here/systemd/nano-banana.service"
if [ "$wrote" = 1 ]; then units_changed=1 app_changed=1; fi
put /etc/systemd/system/nano-banana-backup.service 0644 root:root <"$here/systemd/nano-banana-backup.service"
if [ "$wrote" = 1 ]; then units_changed=1; fi
put /etc/systemd/system/nano-banana-backup.timer 0644 root:root <"$here/systemd/nano-banana-backup.timer"
if [ "$wrote" = 1 ]; then units_changed=1; fi
put /usr/local/lib/nano-banana/backup.sh 0755 root:root <"$here/backup.sh"

# The app logs one JSON line per request to the journal: keep it on disk, bounded in size and age.
put /etc/systemd/journald.conf.d/nano-banana.conf 0644 root:root <<'EOF'
# Written by Nano-Banana's provision.sh. journalctl -u nano-banana reads the app's logs.
[Journal]
Storage=persistent
SystemMaxUse=500M
MaxRetentionSec=30day
EOF
journald_changed=$wrote

if [ -n "$deploy_user" ]; then
  sudoers=$(mktemp)
  cat >"$sudoers" <<EOF
# Written by Nano-Banana's provision.sh: the deploy account may restart the app, nothing else.
$deploy_user ALL=(root) NOPASSWD: /usr/bin/systemctl restart nano-banana
EOF
  if on_system && [ "$dry_run" = 0 ] && ! visudo -cqf "$sudoers"; then fail "the sudoers rule for $deploy_user does not parse"; fi
  put /etc/sudoers.d/nano-banana-deploy 0440 root:root <"$sudoers"
  rm -f "$sudoers"
fi

# --- Nginx and the certificate ----------------------------------------------------------------------
nginx_changed=0
put /etc/nginx/sites-available/nano-banana 0644 root:root < <(sed "s/example\.com/$domain/g" "$here/nginx/nano-banana.conf")
nginx_changed=$wrote

cert=/etc/letsencrypt/live/$domain/fullchain.pem
acme_site=/etc/nginx/sites-available/nano-banana-acme
if [ ! -f "$root$cert" ] && [ -n "$email" ]; then
  if ! on_system; then
    say skipped "certbot certonly --webroot -w /var/www/letsencrypt -d $domain (--root)"
  else
    # Until the certificate exists, a port-80 server for the challenge alone (the full site needs the certificate).
    put "$acme_site" 0644 root:root <<EOF
server {
    listen 80;
    listen [::]:80;
    server_name $domain;
    location /.well-known/acme-challenge/ { root /var/www/letsencrypt; }
}
EOF
    link /etc/nginx/sites-enabled/nano-banana-acme "$acme_site"
    if [ "$dry_run" = 0 ]; then trap 'rm -f /etc/nginx/sites-enabled/nano-banana-acme "$acme_site"' EXIT; fi
    sys nginx -t -q
    sys systemctl reload-or-restart nginx
    sys certbot certonly --webroot -w /var/www/letsencrypt -d "$domain" --email "$email" \
      --agree-tos --non-interactive --deploy-hook 'systemctl reload nginx'
    remove /etc/nginx/sites-enabled/nano-banana-acme
    remove "$acme_site"
    nginx_changed=1
  fi
fi
if [ -f "$root$cert" ] || { on_system && [ "$dry_run" = 1 ] && [ -n "$email" ]; }; then
  link /etc/nginx/sites-enabled/nano-banana /etc/nginx/sites-available/nano-banana
  if [ "$wrote" = 1 ]; then nginx_changed=1; fi
else
  # Enabled without its certificate (the domain changed, say), the site would stop Nginx from loading.
  remove /etc/nginx/sites-enabled/nano-banana
  say 'not yet' "/etc/nginx/sites-enabled/nano-banana: no certificate at $cert (run again with --email ADDRESS)"
fi
if [ "$nginx_changed" = 1 ]; then
  sys nginx -t -q
  sys systemctl reload-or-restart nginx
fi

# --- services ---------------------------------------------------------------------------------------
if [ "$units_changed" = 1 ]; then sys systemctl daemon-reload; fi
if [ "$journald_changed" = 1 ]; then sys systemctl restart systemd-journald; fi
for unit in nano-banana.service nano-banana-backup.timer; do
  if on_system && systemctl is-enabled --quiet "$unit" 2>/dev/null; then
    say unchanged "$unit enabled"
  else
    if on_system; then
      changed enabled "$unit"
      quietly systemctl enable --quiet "$unit"
    else
      sys systemctl enable "$unit"
    fi
  fi
done
if ! on_system; then
  sys systemctl start nano-banana-backup.timer
elif systemctl is-active --quiet nano-banana-backup.timer 2>/dev/null; then
  say unchanged 'nano-banana-backup.timer active'
else
  changed started nano-banana-backup.timer
  quietly systemctl start nano-banana-backup.timer
fi
if [ -f "$root/opt/nano-banana/current/.output/server/index.mjs" ]; then
  if ! on_system; then
    sys systemctl start nano-banana.service
  elif ! systemctl is-active --quiet nano-banana.service 2>/dev/null; then
    changed started nano-banana.service
    quietly systemctl start nano-banana.service
  elif [ "$app_changed" = 1 ]; then
    changed restarted 'nano-banana.service (in-flight generations finish first)'
    quietly systemctl restart nano-banana.service
  else
    say unchanged 'nano-banana.service running'
  fi
else
  say 'not yet' 'nano-banana.service: no release in /opt/nano-banana/current (docs/DEPLOY.md: the first release)'
fi

if [ "$changes" = 0 ]; then
  echo 'provision.sh: nothing changed'
elif [ "$dry_run" = 1 ]; then
  echo "provision.sh: $changes change(s) would be made"
else
  echo "provision.sh: $changes change(s) made"
fi
