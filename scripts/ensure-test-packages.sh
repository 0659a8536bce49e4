#!/usr/bin/env bash
# Debian packages the operations tests (test/ops/) use, installed when missing:
#   prometheus      a real Prometheus scrapes the gateway; promtool checks the exposition
#   docker-compose  `docker-compose config` validates docker-compose.yml (no engine needed)
#   chromium        a real browser submits an HTML form upload (POST object) in
#                   test/integration/post-object-browser.test.ts (deploy/grafana/render-preview.mjs uses it too)
#   golang-go, golang-github-minio-minio-go-v7-dev
#                   minio-go v7 built offline from /usr/share/gocode (test/clients/minio-go.test.ts)
# Needs root for apt-get (as the local stack does). Called by scripts/test.sh.
set -euo pipefail

need=()
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v go >/dev/null 2>&1 || need+=(golang-go)
[ -d /usr/share/gocode/src/github.com/minio/minio-go ] || need+=(golang-github-minio-minio-go-v7-dev)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
# unique names
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
echo "[test-packages] apt-get install ${need[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "[test-packages] not root: install ${need[*]} yourself (the ops tests that need them will fail)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Debian's prometheus package would start its own server where an init system
# runs; the tests start their own, so keep package scripts from starting services.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod +x "$policy"
  created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
