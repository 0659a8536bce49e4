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
node --input-type=module -e '
  import { loadStack } from "./deploy/local/stack.mjs";
  const s = loadStack();
  const d = s.users.demo.ec2, port = process.argv[1];
  console.log(`
S3 endpoint:  http://127.0.0.1:${port}   (virtual-host style: http://<bucket>.localhost:${port})
Metrics:      http://127.0.0.1:${Number(port) + 1}/metrics
Access key:   ${d.access}
Secret key:   ${d.secret}              (the demo user; ${s.dataDir}/gateway/credentials.yaml has more)

Try:  AWS_ACCESS_KEY_ID=${d.access} AWS_SECRET_ACCESS_KEY=${d.secret} \\
      aws --endpoint-url http://127.0.0.1:${port} s3 ls
      (the gateway speaks Signature Version 2 today: add a profile with s3.signature_version = s3)
`);
' "$PORT"
exec node dist/main.js --config "$config"
