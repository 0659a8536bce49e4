#!/usr/bin/env bash
# Debian packages the operations and client tests use, installed when missing:
#   prometheus      a real Prometheus scrapes the gateway and fires its alerts; promtool checks rules
#   docker-compose  `docker-compose config` validates docker-compose.yml (no engine needed)
#   chromium        a real browser submits an HTML form upload (POST object) in
#                   test/integration/post-object-browser.test.ts (deploy/grafana/render-preview.mjs uses it too)
#   golang-go, golang-github-minio-minio-go-v7-dev
#                   minio-go v7 built offline from /usr/share/gocode (test/clients/minio-go.test.ts)
#   podman runc debootstrap podman-compose
#                   test/ops/image.test.ts builds the Dockerfile on a Debian-made base and runs it
#   restic duplicity python3-boto3 s3fs fuse3 ruby-aws-sdk-s3 golang-github-aws-aws-sdk-go-dev
#                   test/clients/programs/: backup tools, a FUSE mount and Ruby's SDK against the gateway
# Needs root for apt-get (as the local stack does). Called by scripts/test.sh.
set -euo pipefail

need=()
want() { command -v "$1" >/dev/null 2>&1 || need+=("$2"); }
want prometheus prometheus
want promtool prometheus
want docker-compose docker-compose
want podman podman
want runc runc
want debootstrap debootstrap
want podman-compose podman-compose
want restic restic
want duplicity duplicity
want s3fs s3fs
want fusermount3 fuse3
# duplicity's boto3 backend runs on Debian's python3, not on a python3 earlier on PATH.
/usr/bin/python3 -c 'import boto3' >/dev/null 2>&1 || need+=(python3-boto3)
want go golang-go
want chromium chromium
[ -d /usr/share/gocode/src/github.com/aws/aws-sdk-go ] || need+=(golang-github-aws-aws-sdk-go-dev)
[ -d /usr/share/gocode/src/github.com/minio/minio-go/v7 ] || need+=(golang-github-minio-minio-go-v7-dev)
# Ruby's SDK is a library: look for its files.
ls /usr/share/rubygems-integration/all/specifications/aws-sdk-s3-*.gemspec >/dev/null 2>&1 || need+=(ruby-aws-sdk-s3)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
# unique names
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
echo "[test-packages] apt-get install ${need[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "[test-packages] not root: install ${need[*]} yourself (the tests that need them will fail)" >&2
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
