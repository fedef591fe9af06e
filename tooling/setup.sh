#!/usr/bin/env bash
# Installs what litewal needs on a fresh machine: the pinned pnpm, the locked dependencies
# (better-sqlite3 builds from source when no prebuilt binary can be fetched) and the sqlite3 CLI
# the interop tests use, then builds every package.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

want="$(node -p "require('./package.json').packageManager.split('@')[1]")"
if [ "$(pnpm --version 2>/dev/null || true)" != "$want" ]; then
  npm install --global --no-audit --no-fund "pnpm@$want"
fi
echo "pnpm $(pnpm --version), node $(node --version)"

if ! command -v sqlite3 >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq sqlite3
  else
    echo "warning: the sqlite3 CLI is missing; the interop tests will fail until it is installed" >&2
  fi
fi

# node-gyp under pnpm ignores npm's nodedir setting; point it at the local headers when present
if [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
pnpm install --frozen-lockfile
pnpm exec turbo run build --output-logs=errors-only
