#!/usr/bin/env bash
# The whole test suite, from a fresh clone on a fresh Debian 12 machine (as root):
# installs npm packages and the Debian tools the ops and program tests drive
# (Prometheus, docker-compose, podman, debootstrap, the backup tools, the Go and
# Ruby SDKs: scripts/ensure-test-packages.sh), type-checks and lints, starts the local Swift + Keystone
# stack (installing its Debian packages if needed), then runs every test file
# (unit, stack, integration, real clients) against it.
# Extra arguments go to vitest, e.g. `npm test -- test/unit`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-deps.sh
bash scripts/ensure-test-packages.sh
npm run --silent lint
bash deploy/local/stack.sh up

report="$(mktemp -t s3gw-vitest-XXXXXX.json)"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
# One plain closing line, whatever the reporter printed above.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' "$report" || true
rm -f "$report"
exit $status
