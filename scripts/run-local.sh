#!/usr/bin/env bash
# Runs the gateway against the local Swift + Keystone stack, from a fresh clone
# (as root): installs npm packages, builds, starts the stack (installing its
# Debian packages if needed), writes a dev config and serves S3 on
# 127.0.0.1:${PORT:-9000} in the foreground. Ctrl-C stops the gateway; the
# stack keeps running (`bash deploy/local/stack.sh down` stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-9000}"

bash scripts/ensure-deps.sh
bash deploy/local/stack.sh up
config="$(node scripts/local-config.mjs "$PORT")"
# The banner names the file holding the secret key instead of printing it.
node scripts/local-banner.mjs "$PORT" "$(dirname "$config")"
exec node dist/main.js --config "$config"
