#!/usr/bin/env bash
# Entrypoint of the stack container (deploy/docker/stack.Dockerfile):
#  1. `deploy/local/stack.sh up` starts memcached, Keystone and Swift on
#     127.0.0.1 and provisions users, projects and EC2 keys (kept in $STACK_DIR);
#  2. writes a gateway config + credentials for those users into
#     /srv/gateway-config, which the gateway container mounts read-only;
#  3. stays in the foreground while every service runs (exits non-zero when one
#     dies, so Docker's restart policy brings the container back), and stops
#     the services cleanly on SIGTERM (`docker compose stop`).
set -euo pipefail
cd /opt/s3-swift-gateway
export STACK_DIR="${STACK_DIR:-/srv/stack}"
CONFIG_OUT="${GATEWAY_CONFIG_DIR:-/srv/gateway-config}"
GATEWAY_UID="${GATEWAY_UID:-1000}"   # the `node` user of the gateway image

stopping=0
on_term() {
  stopping=1
  echo "[stack-entrypoint] stopping services" >&2
  bash deploy/local/stack.sh down || true
  exit 0
}
trap on_term TERM INT

bash deploy/local/stack.sh up

# scripts/local-config.mjs writes <STACK_DIR>/gateway/{config,credentials}.yaml
# (S3 on 9000, admin on 9001, Keystone of this stack); the gateway container
# overrides the listen addresses with S3GW_LISTEN_HOST / S3GW_ADMIN_HOST.
node scripts/local-config.mjs 9000 >/dev/null
mkdir -p "$CONFIG_OUT"
install -m 0644 "$STACK_DIR/gateway/config.yaml" "$CONFIG_OUT/config.yaml.tmp"
install -m 0400 -o "$GATEWAY_UID" "$STACK_DIR/gateway/credentials.yaml" "$CONFIG_OUT/credentials.yaml"
mv "$CONFIG_OUT/config.yaml.tmp" "$CONFIG_OUT/config.yaml"
# The secret key goes into an owner-only file, never into the container's log.
node scripts/local-banner.mjs 9000 "$STACK_DIR/gateway" >/dev/null
echo "[stack-entrypoint] gateway config written to $CONFIG_OUT; the demo user's keys: docker compose exec stack cat $STACK_DIR/gateway/demo-keys.env" >&2

# The services run detached (stack.sh starts each in its own session); watch them.
while [ "$stopping" = 0 ]; do
  if ! bash deploy/local/stack.sh status >/dev/null; then
    echo "[stack-entrypoint] a service stopped:" >&2
    bash deploy/local/stack.sh status >&2 || true
    exit 1
  fi
  sleep 10 &
  wait $! || true
done
