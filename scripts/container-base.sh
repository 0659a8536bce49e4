#!/usr/bin/env bash
# Builds a container base image from Debian packages, for machines that cannot
# pull images (no registry but Debian's and npm's is reachable): debootstrap a
# minimal Debian 12, put this machine's Node.js (binary + npm) into it, add the
# unprivileged user `node` (uid 1000, as the official node images have), and
# `podman import` the tree. Prints the image name on stdout.
#
#   bash scripts/container-base.sh            build (or reuse) and print e.g. localhost/s3gw-base:3f2a9c1e0b7d
#   docker/podman build --build-arg BASE_IMAGE=<that name> .
#
# Debian 12's own nodejs is 18, below the project's engines (>= 20.18), hence
# the machine's Node. A debootstrap takes minutes, so the tree is cached as a
# tarball under S3GW_BASE_CACHE (default /var/tmp/s3gw-container-base), keyed
# by everything that goes into it (this script, the Node binary, npm's
# version, the Debian suite): a second run only re-imports it, or does nothing
# when podman already has the image. Needs root (debootstrap chroots).
set -euo pipefail
cd "$(dirname "$0")/.."

export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/deploy/podman/containers.conf}"
SUITE=bookworm
MIRROR="${S3GW_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CACHE="${S3GW_BASE_CACHE:-/var/tmp/s3gw-container-base}"
NODE_BIN="$(readlink -f "$(command -v node)")"
NPM_DIR="$(dirname "$(readlink -f "$(command -v npm)")")/.."
NPM_DIR="$(readlink -f "$NPM_DIR")"
NPM_VERSION="$(node -p "require('$NPM_DIR/package.json').version")"
# This machine's trust store: `npm ci` in the build stage must trust whatever
# this machine trusts on its way to the npm registry.
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

log() { echo "[container-base] $*" >&2; }

key="$( { sha256sum "$0" | cut -d' ' -f1; sha256sum "$NODE_BIN" | cut -d' ' -f1; sha256sum "$CA_BUNDLE" | cut -d' ' -f1; echo "$NPM_VERSION $SUITE $MIRROR"; } | sha256sum | cut -c1-12)"
image="localhost/s3gw-base:$key"

mkdir -p "$CACHE"
# One builder at a time (test files run in parallel): the others wait, then reuse.
exec 9>"$CACHE/.lock"
flock 9

if podman image exists "$image" 2>/dev/null; then
  log "podman has $image already"
  echo "$image"
  exit 0
fi

tarball="$CACHE/$key.tar"
if [ ! -s "$tarball" ]; then
  command -v debootstrap >/dev/null || { log "debootstrap is not installed (apt-get install debootstrap)"; exit 1; }
  root="$(mktemp -d "$CACHE/root.XXXXXX")"
  trap 'rm -rf "$root"' EXIT
  started=$(date +%s)
  log "debootstrap $SUITE (minbase) into $root: takes a few minutes, once per key $key"
  # ca-certificates: npm reaches its registry over TLS during `npm ci`.
  debootstrap --variant=minbase --include=ca-certificates,libstdc++6 "$SUITE" "$root" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
    || { log "debootstrap failed: see $CACHE/debootstrap.log"; tail -20 "$CACHE/debootstrap.log" >&2; exit 1; }
  install -m 0755 "$NODE_BIN" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/lib/node_modules"
  cp -a "$NPM_DIR" "$root/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  cp "$CA_BUNDLE" "$root/etc/ssl/certs/ca-certificates.crt"
  chroot "$root" /usr/sbin/groupadd --gid 1000 node
  chroot "$root" /usr/sbin/useradd --uid 1000 --gid node --create-home --shell /bin/bash node
  # What an image does not need: package lists, caches, docs.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/*
  chroot "$root" node --version >/dev/null
  tar -C "$root" --numeric-owner -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
  # Trees of other keys (older inputs) are of no more use.
  find "$CACHE" -maxdepth 1 -name '*.tar' ! -name "$key.tar" -delete
  log "built $tarball in $(( $(date +%s) - started )) s"
else
  log "reusing $tarball"
fi
podman import --change 'CMD ["/bin/bash"]' --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  "$tarball" "$image" >/dev/null
log "imported $image"
# Older bases (other keys) go, unless an image still uses them.
for old in $(podman images --format '{{.Repository}}:{{.Tag}}' | grep '^localhost/s3gw-base:' | grep -v ":$key\$"); do
  podman rmi "$old" >/dev/null 2>&1 || true
done
echo "$image"
