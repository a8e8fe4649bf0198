#!/usr/bin/env bash
# Builds the browser console (web/ui -> web/ui/dist) when needed: `npm ci`
# when node_modules is missing or older than package-lock.json, `npm run
# build` when any source is newer than the last build. The node's web actor
# serves web/ui/dist ([web] ui_dir). Called by `make run` and `make test`.
set -euo pipefail
cd "$(dirname "$0")/../web/ui"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "build-ui: node and npm are needed (deploy/install-deps.sh installs them)" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 18 ]; then
  echo "build-ui: Node.js >= 18 is needed, found $(node --version)" >&2
  exit 1
fi

export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "build-ui: npm ci"
  npm ci --no-fund --no-audit --loglevel=error
fi

stamp=dist/index.html
if [ -f "$stamp" ] && [ -z "$(find src index.html vite.config.ts tsconfig.json package-lock.json -newer "$stamp" -print -quit)" ]; then
  exit 0
fi
echo "build-ui: building the console"
npm run --silent build -- --logLevel warn
