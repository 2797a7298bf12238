#!/usr/bin/env bash
# Switches the release in service on the server, checks it, and rolls back when it is unhealthy.
#   release.sh activate RELEASE_DIR   RELEASE_DIR is /opt/nano-banana/releases/<id> holding .output/
#   release.sh rollback               back to the release that was in service before the current one
#   release.sh status                 which releases there are, and which is current and previous
# deploy.yml uploads each release with this script inside it and runs `release.sh activate` over SSH.
# Runs as root or as the deploy user of provision.sh (which may restart the unit through sudo).
# /opt/nano-banana/current and /opt/nano-banana/previous are symbolic links into releases/.
set -euo pipefail

base=${NANO_BANANA_DIR:-/opt/nano-banana}
health_url=${NANO_BANANA_HEALTH_URL:-http://127.0.0.1:3000/api/health}
tries=${NANO_BANANA_HEALTH_TRIES:-60}
keep=${NANO_BANANA_KEEP_RELEASES:-5}

usage() {
  sed -n '2,8s/^# \{0,1\}//p' "$0"
}

restart() {
  if [ -n "${NANO_BANANA_RESTART:-}" ]; then
    # A test's stand-in for systemd.
    bash -c "$NANO_BANANA_RESTART"
  elif [ "$(id -u)" -eq 0 ]; then
    systemctl restart nano-banana
  else
    sudo -n /usr/bin/systemctl restart nano-banana
  fi
}

healthy() {
  local i
  for ((i = 1; i <= tries; i++)); do
    if curl -fsS --max-time 5 -o /dev/null "$health_url"; then
      return 0
    fi
    sleep 1
  done
  return 1
}

# Points LINK at TARGET in one rename, so the link is never missing.
point() {
  local link=$1 target=$2
  ln -sfn "$target" "$link.new"
  mv -Tf "$link.new" "$link"
}

target_of() {
  if [ -L "$base/$1" ]; then readlink "$base/$1"; fi
}

prune() {
  local current previous old
  current=$(target_of current)
  previous=$(target_of previous)
  find "$base/releases" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %f\n' | sort -rn | cut -d' ' -f2- |
    tail -n +"$((keep + 1))" | while read -r old; do
      if [ "releases/$old" != "$current" ] && [ "releases/$old" != "$previous" ]; then
        rm -rf "${base:?}/releases/$old"
        echo "release: removed releases/$old"
      fi
    done
}

activate() {
  local release previous
  release=$(basename "$1")
  if [ ! -f "$base/releases/$release/.output/server/index.mjs" ]; then
    echo "release: $base/releases/$release/.output/server/index.mjs is missing" >&2
    exit 1
  fi
  previous=$(target_of current)
  if [ "$previous" = "releases/$release" ]; then
    echo "release: $release is already in service; restarting it"
    previous=$(target_of previous)
  fi
  point "$base/current" "releases/$release"
  echo "release: $release in service, restarting (in-flight generations finish first)"
  restart
  if healthy; then
    if [ -n "$previous" ] && [ "$previous" != "releases/$release" ]; then point "$base/previous" "$previous"; fi
    echo "release: $release is healthy ($health_url)"
    prune
    return 0
  fi
  echo "release: $release failed its health check ($health_url)" >&2
  if [ -z "$previous" ] || [ "$previous" = "releases/$release" ]; then
    echo "release: no earlier release to go back to" >&2
    exit 1
  fi
  point "$base/current" "$previous"
  restart
  if healthy; then
    echo "release: rolled back to ${previous#releases/}, which is healthy" >&2
  else
    echo "release: rolled back to ${previous#releases/}, which is not healthy either: see journalctl -u nano-banana" >&2
  fi
  exit 1
}

rollback() {
  local current previous
  current=$(target_of current)
  previous=$(target_of previous)
  if [ -z "$previous" ]; then
    echo "release: no previous release recorded" >&2
    exit 1
  fi
  point "$base/current" "$previous"
  point "$base/previous" "$current"
  echo "release: ${previous#releases/} in service again, restarting"
  restart
  if ! healthy; then
    echo "release: ${previous#releases/} is not healthy: see journalctl -u nano-banana" >&2
    exit 1
  fi
  echo "release: ${previous#releases/} is healthy"
}

status() {
  echo "current:  $(target_of current)"
  echo "previous: $(target_of previous)"
  find "$base/releases" -mindepth 1 -maxdepth 1 -type d -printf '%TY-%Tm-%Td %TH:%TM  %f\n' | sort
}

case "${1:-}" in
  activate)
    [ $# -eq 2 ] || { usage >&2; exit 2; }
    activate "$2"
    ;;
  rollback) rollback ;;
  status) status ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
