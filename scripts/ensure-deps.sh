#!/usr/bin/env bash
# Installs the project's npm dependencies when they are missing or stale, and
# builds dist/. Shared by `npm test` and `npm run local` so both work on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[deps] npm ci" >&2
  npm ci --no-audit --no-fund
fi
npm run --silent build
