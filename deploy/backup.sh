#!/usr/bin/env bash
# Takes one backup with the app's own command line and keeps the newest KEEP.
#   backup.sh [DIR] [KEEP]     defaults: /var/backups/nano-banana 7
# Each backup is a folder DIR/<UTC time>/ holding nano-banana.db and images/ (written by
# `node .output/server/cli.mjs backup <folder>`). Run by nano-banana-backup.service each night.
# NANO_BANANA_CLI names another cli.mjs (a release by hand, or a test's stand-in).
set -euo pipefail

dir=${1:-/var/backups/nano-banana}
keep=${2:-7}
cli=${NANO_BANANA_CLI:-/opt/nano-banana/current/.output/server/cli.mjs}

if ! [[ $keep =~ ^[1-9][0-9]*$ ]]; then
  echo "backup.sh: KEEP must be a whole number above 0, not '$keep'" >&2
  exit 2
fi
mkdir -p "$dir"

# Folders named after the time sort in age order; a backup is only named so once it is complete.
name=$(date -u +%Y-%m-%dT%H%M%SZ)
if [ -e "$dir/$name" ]; then
  echo "backup.sh: $dir/$name already exists" >&2
  exit 1
fi
partial="$dir/.partial-$name"
rm -rf "$partial"
node "$cli" backup "$partial"
mv "$partial" "$dir/$name"
echo "backup.sh: wrote $dir/$name"

# Leftovers of interrupted runs, then every complete backup but the newest $keep.
find "$dir" -mindepth 1 -maxdepth 1 -type d -name '.partial-*' ! -name ".partial-$name" -exec rm -rf {} +
mapfile -t backups < <(find "$dir" -mindepth 1 -maxdepth 1 -type d -regextype posix-extended \
  -regex '.*/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{6}Z' -printf '%f\n' | sort)
excess=$((${#backups[@]} - keep))
for ((i = 0; i < excess; i++)); do
  rm -rf "${dir:?}/${backups[i]}"
  echo "backup.sh: removed $dir/${backups[i]}"
done
