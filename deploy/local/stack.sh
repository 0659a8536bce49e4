#!/usr/bin/env bash
# Local OpenStack test stack for s3-swift-gateway: Keystone + a one-replica
# Swift cluster + memcached, all on 127.0.0.1, all state in one directory.
#
#   bash deploy/local/stack.sh up                 start (or repair) everything, write stack.json
#   bash deploy/local/stack.sh down [--purge]     stop what we started; --purge also deletes the data dir
#   bash deploy/local/stack.sh status             exit 0 when every service runs, else 3
#   bash deploy/local/stack.sh restart            down + up (picks up config changes)
#   bash deploy/local/stack.sh destroy            same as down --purge
#   bash deploy/local/barbican.sh start|stop|status   Barbican alone (see that file)
#
# Requires root (apt, and Swift's swift.conf lives at a fixed path, see below).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
STACK_DIR="${STACK_DIR:-$REPO_ROOT/.stack}"
mkdir -p "$STACK_DIR"
STACK_DIR="$(cd "$STACK_DIR" && pwd)"

HOST=127.0.0.1
KEYSTONE_PORT="${STACK_KEYSTONE_PORT:-5000}"
PROXY_PORT="${STACK_SWIFT_PORT:-8080}"
S3API_PORT="${STACK_S3API_PORT:-8081}"
# A second plain proxy with Swift's default max_manifest_segments (1000), as
# most clusters have it: multipart uploads beyond 1000 parts (nested manifests)
# are tested against it.
PROXY1000_PORT="${STACK_SWIFT1000_PORT:-8082}"
OBJECT_PORT="${STACK_OBJECT_PORT:-6200}"
CONTAINER_PORT="${STACK_CONTAINER_PORT:-6201}"
ACCOUNT_PORT="${STACK_ACCOUNT_PORT:-6202}"
# Not 11211: a distro memcached may already be listening there.
MEMCACHED_PORT="${STACK_MEMCACHED_PORT:-11212}"
REGION=RegionOne
KEYSTONE_URL="http://$HOST:$KEYSTONE_PORT"

RUN_DIR="$STACK_DIR/run"
LOG_DIR="$STACK_DIR/logs"
SECRETS_DIR="$STACK_DIR/secrets"
KS_DIR="$STACK_DIR/keystone"
SW_DIR="$STACK_DIR/swift"
KS_CONF="$KS_DIR/keystone.conf"
SYSTEM_PY=/usr/bin/python3   # Debian's python: the one with the OpenStack libraries

# Service name -> port. Start order matters: memcached and Keystone before the
# proxies (authtoken fetches its service token lazily, but s3token and our
# health checks need Keystone up).
SERVICES=(memcached keystone account container object proxy s3proxy proxy1000 cupdater expirer barbican)
# Barbican's settings and start/init functions (its port: STACK_BARBICAN_PORT, 9311).
_STACK_SH_LOADED=1
# shellcheck source=barbican.sh
source "$SCRIPT_DIR/barbican.sh"
declare -A PORT=(
  [memcached]=$MEMCACHED_PORT [keystone]=$KEYSTONE_PORT
  [account]=$ACCOUNT_PORT [container]=$CONTAINER_PORT [object]=$OBJECT_PORT
  [proxy]=$PROXY_PORT [s3proxy]=$S3API_PORT [proxy1000]=$PROXY1000_PORT [cupdater]= [expirer]=
  [barbican]=$BARBICAN_PORT
)

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- packages --

PACKAGES=(
  swift swift-proxy swift-account swift-container swift-object swift-object-expirer python3-pyeclib
  keystone python3-keystonemiddleware python3-keystoneclient python3-openstackclient
  memcached uwsgi-core uwsgi-plugin-python3 curl s3cmd rclone
  barbican-api python3-barbicanclient
)

ensure_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}) and not root"
  log "installing: ${missing[*]}"
  # The distro packages would start their own keystone/swift/memcached on our
  # ports; forbid service starts for the duration of the install unless the
  # machine already has a policy in place.
  local tmp_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    tmp_policy=/usr/sbin/policy-rc.d
  fi
  local rc=0
  { DEBIAN_FRONTEND=noninteractive apt-get update -q &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } || rc=$?
  [ -n "$tmp_policy" ] && rm -f "$tmp_policy"
  [ $rc -eq 0 ] || die "apt-get failed (exit $rc)"
}

# ----------------------------------------------------------------- helpers --

# A secret generated once and kept in the data dir, so re-runs reuse it.
secret() {
  local f="$SECRETS_DIR/$1"
  if [ ! -s "$f" ]; then
    # od reads exactly N bytes itself: no early-closing pipe to trip pipefail.
    ( umask 077; od -An -tx1 -N "$(( ${2:-24} / 2 ))" /dev/urandom | tr -d ' \n' >"$f" )
  fi
  cat "$f"
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

pidfile() { echo "$RUN_DIR/$1.pid"; }

# A pid only counts as ours if the process is alive AND its command line
# mentions the data dir: guards against pid reuse after a reboot or crash.
ours() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$STACK_DIR/"
}

svc_pid() {
  local f; f=$(pidfile "$1")
  [ -s "$f" ] || return 1
  local pid; pid=$(tr -dc '0-9' <"$f")
  ours "$pid" || return 1
  echo "$pid"
}

# Every service is started as the leader of its own session/process group
# (setsid), so the group id equals the recorded pid. That lets us reap worker
# processes left behind when a Swift master is SIGKILLed: they keep the
# listening socket and would block the restart.
group_members() {
  local pgid=$1
  ps -e -o pid=,pgid= | awk -v g="$pgid" '$2 == g { print $1 }' | while read -r p; do
    ours "$p" && echo "$p"
  done
  return 0
}

stop_group() {
  local name=$1 pgid=$2 members i
  members=$(group_members "$pgid")
  [ -z "$members" ] && return 0
  # shellcheck disable=SC2086
  kill -TERM $members 2>/dev/null || true
  for i in $(seq 1 50); do
    members=$(group_members "$pgid")
    [ -z "$members" ] && return 0
    sleep 0.1
  done
  log "$name: did not stop on SIGTERM, sending SIGKILL to $members"
  # shellcheck disable=SC2086
  kill -KILL $members 2>/dev/null || true
  sleep 0.2
}

# start_daemon NAME LOGFILE CMD...
start_daemon() {
  local name=$1 logfile=$2; shift 2
  local pf; pf=$(pidfile "$name")
  # nohup + setsid: survive the calling shell, own process group (see above).
  setsid nohup "$@" >>"$LOG_DIR/$logfile" 2>&1 </dev/null &
  echo $! >"$pf"
}

tail_log() {
  local f
  for f in "$@"; do
    [ -f "$f" ] || continue
    printf -- '----- last lines of %s -----\n' "$f" >&2
    tail -n 25 "$f" >&2
  done
}

# wait_http NAME URL EXPECTED_REGEX TIMEOUT LOGS...
wait_http() {
  local name=$1 url=$2 want=$3 timeout=$4; shift 4
  local deadline=$((SECONDS + timeout)) code
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$url" 2>/dev/null || true)
    if [[ "$code" =~ ^($want)$ ]]; then return 0; fi
    if ! svc_pid "$name" >/dev/null; then
      tail_log "$@"
      die "$name exited during startup (see logs above)"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail_log "$@"
      die "$name did not answer $url within ${timeout}s (last HTTP status: ${code:-none})"
    fi
    sleep 0.3
  done
}

# -------------------------------------------------------------- keystone --

write_keystone_conf() {
  mkdir -p "$KS_DIR/fernet-keys" "$KS_DIR/credential-keys"
  # Keystone warns on every token if the key repositories are world readable.
  chmod 700 "$KS_DIR/fernet-keys" "$KS_DIR/credential-keys"
  cat >"$KS_CONF" <<EOF
# Generated by deploy/local/stack.sh -- edits are overwritten on every 'up'.
[DEFAULT]
log_dir = $LOG_DIR
log_file = keystone.log
use_stderr = false
debug = false

[database]
connection = sqlite:///$KS_DIR/keystone.db

[token]
provider = fernet

[fernet_tokens]
key_repository = $KS_DIR/fernet-keys

[fernet_receipts]
key_repository = $KS_DIR/fernet-keys

[credential]
key_repository = $KS_DIR/credential-keys

[identity]
# A test stack on a single-threaded Keystone: default bcrypt cost (12) makes
# every password token take ~0.3s of CPU, which serialises the whole suite.
password_hash_rounds = 4
EOF

  cat >"$KS_DIR/uwsgi.ini" <<EOF
# SQLite: one process, one thread, or we get "database is locked" and
# "SQLite objects created in a thread can only be used in that same thread".
# http11-socket (not http-socket) keeps client connections alive instead of
# closing them after each response.
[uwsgi]
plugins = http,$UWSGI_PLUGIN
http = $HOST:$KEYSTONE_PORT
http-keepalive = 1
http-auto-chunked = true
wsgi-file = /usr/bin/keystone-wsgi-public
master = true
processes = 1
threads = 1
lazy-apps = true
need-app = true
# Without this uwsgi treats SIGTERM as "reload", and 'down' would never finish.
die-on-term = true
buffer-size = 65535
pidfile = $(pidfile keystone)
env = OS_KEYSTONE_CONFIG_FILES=$KS_CONF
env = OS_KEYSTONE_CONFIG_DIR=$KS_DIR
EOF
}

init_keystone() {
  [ -f "$KS_DIR/.initialised" ] && return 0
  log "keystone: initialising database and keys"
  local km=(keystone-manage --config-file "$KS_CONF")
  "${km[@]}" db_sync >>"$LOG_DIR/keystone-manage.log" 2>&1 || { tail_log "$LOG_DIR/keystone-manage.log" "$LOG_DIR/keystone.log"; die "keystone db_sync failed"; }
  # WAL lets the reader (token validation) and writer not block each other.
  "$SYSTEM_PY" -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute("PRAGMA journal_mode=WAL").fetchone()[0]); c.close()' \
    "$KS_DIR/keystone.db" >>"$LOG_DIR/keystone-manage.log"
  "${km[@]}" fernet_setup --keystone-user root --keystone-group root >>"$LOG_DIR/keystone-manage.log" 2>&1
  "${km[@]}" credential_setup --keystone-user root --keystone-group root >>"$LOG_DIR/keystone-manage.log" 2>&1
  "${km[@]}" bootstrap \
    --bootstrap-username admin --bootstrap-password "$(secret admin-password)" \
    --bootstrap-project-name admin --bootstrap-role-name admin \
    --bootstrap-service-name keystone --bootstrap-region-id "$REGION" \
    --bootstrap-admin-url "$KEYSTONE_URL/v3" \
    --bootstrap-public-url "$KEYSTONE_URL/v3" \
    --bootstrap-internal-url "$KEYSTONE_URL/v3" >>"$LOG_DIR/keystone-manage.log" 2>&1 \
    || { tail_log "$LOG_DIR/keystone-manage.log"; die "keystone bootstrap failed"; }
  touch "$KS_DIR/.initialised"
}

# ----------------------------------------------------------------- swift --

# Swift (2.30) reads swift.conf from the hard-coded path /etc/swift/swift.conf
# (swift.common.utils.SWIFT_CONF_FILE); servers never honour swift_dir for it.
# So the real file lives in the data dir and /etc/swift/swift.conf is a symlink
# to it. The distro's original file is kept once as swift.conf.dist-orig.
link_swift_conf() {
  mkdir -p /etc/swift
  local target="$SW_DIR/swift.conf"
  if [ -L /etc/swift/swift.conf ]; then
    [ "$(readlink /etc/swift/swift.conf)" = "$target" ] && return 0
  elif [ -e /etc/swift/swift.conf ] && [ ! -e /etc/swift/swift.conf.dist-orig ]; then
    mv /etc/swift/swift.conf /etc/swift/swift.conf.dist-orig
  fi
  ln -sfn "$target" /etc/swift/swift.conf
}

write_swift_confs() {
  mkdir -p "$SW_DIR/srv/d1" "$SW_DIR/srv/d2" "$SW_DIR/srv/d3" "$SW_DIR/srv/d4" "$SW_DIR/cache"
  local suffix; suffix=$(secret swift-hash-suffix 32)
  cat >"$SW_DIR/swift.conf" <<EOF
# Generated by deploy/local/stack.sh. /etc/swift/swift.conf symlinks here.
[swift-hash]
swift_hash_path_suffix = $suffix

[storage-policy:0]
name = Policy-0
default = yes

# A second policy, erasure coded (2 data + 1 parity fragments, liberasurecode's
# own Reed-Solomon, python3-pyeclib): what S3 storage classes map onto
# (s3.storageClasses). Its ring has three devices on the one object server.
[storage-policy:1]
name = ec21
aliases = cold
policy_type = erasure_coding
ec_type = liberasurecode_rs_vand
ec_num_data_fragments = 2
ec_num_parity_fragments = 1
ec_object_segment_size = 1048576

[swift-constraints]
# Kept for documentation/tools that read swift.conf; Swift itself takes the SLO
# segment limit from [filter:slo] in the proxy configs, and that is what /info
# reports. S3 allows 10000 parts per multipart upload.
max_manifest_segments = 10000
# Lower than Swift's default (5 GiB + 2) on purpose: the tests prove that the
# gateway refuses single PUTs above the cluster's own limit (EntityTooLarge),
# which they can do without sending gigabytes. 2 GiB still fits the benchmark.
max_file_size = 2147483648
EOF

  local common="user = root
bind_ip = $HOST
swift_dir = $SW_DIR
devices = $SW_DIR/srv
mount_check = false
recon_cache_path = $SW_DIR/cache
log_level = INFO"

  # Backend servers: healthcheck in front so 'up' can probe each one directly.
  # No replicators/updaters/auditors run: one replica, short-lived test data.
  local kind port
  for kind in account container object; do
    case $kind in
      account) port=$ACCOUNT_PORT ;; container) port=$CONTAINER_PORT ;; object) port=$OBJECT_PORT ;;
    esac
    cat >"$SW_DIR/$kind-server.conf" <<EOF
# Generated by deploy/local/stack.sh.
[DEFAULT]
$common
workers = 1
bind_port = $port
log_name = $kind-server

[pipeline:main]
pipeline = healthcheck $kind-server

[app:$kind-server]
use = egg:swift#$kind

[filter:healthcheck]
use = egg:swift#healthcheck

# Only the container server's file has one; the other servers ignore it. The
# updater puts containers made by object servers (the expirer's queue in the
# .expiring_objects account) into their account's listing, where the object
# expirer finds them; Swift's default interval is 5 minutes. It opens every
# container DB each sweep, one forked child per partition, `concurrency` (Swift:
# 4) children at once, each at most containers_per_second (Swift: 50): the suite
# makes thousands of containers, and Swift's defaults took half a core for the
# whole run. No test waits for it (account counts are timing, not behaviour).
[container-updater]
interval = 2
concurrency = 1
containers_per_second = 20
EOF
  done

  local ks_auth="auth_type = password
auth_url = $KEYSTONE_URL
username = swift
password = $(secret swift-password)
project_name = service
user_domain_id = default
project_domain_id = default"

  local filters="[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:cache]
use = egg:swift#memcache
memcache_servers = $HOST:$MEMCACHED_PORT
# Swift's default pool is 2 connections per worker: at c=32 (the soak) requests
# queue for one, time out, and the proxy error-limits memcached for a minute,
# validating every token at Keystone and answering 503s meanwhile.
memcache_max_connections = 32

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:bulk]
use = egg:swift#bulk

[filter:tempurl]
use = egg:swift#tempurl

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
www_authenticate_uri = $KEYSTONE_URL
$ks_auth
memcached_servers = $HOST:$MEMCACHED_PORT
# Let keystoneauth decide: anonymous tempurl/staticweb/OPTIONS requests must
# reach it instead of being rejected here.
delay_auth_decision = True
# Keeps X-Service-Catalog out of every backend request.
include_service_catalog = False

[filter:keystoneauth]
use = egg:swift#keystoneauth
operator_roles = admin, member
# Keystone's reader role reads a project's account, never writes it.
project_reader_roles = reader
reseller_admin_role = ResellerAdmin

[filter:copy]
use = egg:swift#copy

[filter:container-quotas]
use = egg:swift#container_quotas

[filter:account-quotas]
use = egg:swift#account_quotas

[filter:slo]
use = egg:swift#slo
# The gateway reads this from /info to size multipart uploads (S3: 10000 parts).
max_manifest_segments = 10000

[filter:dlo]
use = egg:swift#dlo

[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_versioned_writes = true
allow_object_versioning = true

[filter:symlink]
use = egg:swift#symlink

[app:proxy-server]
use = egg:swift#proxy
allow_account_management = true
account_autocreate = true
# A node that fails 10 requests, or answers one 507 (an object a test made too
# big for ext4's xattrs: ENOSPC), is skipped for a minute (error_suppression_*):
# with one object server that is a minute of 503s for every request. A one-node
# cluster has no other node to try: never error-limit it.
error_suppression_limit = 1000000
error_suppression_interval = 0"

  # The order follows Swift's required_filters (proxy/server.py): copy after
  # the auth filters, then slo/dlo, versioned_writes after them, symlink last.
  cat >"$SW_DIR/proxy-server.conf" <<EOF
# Generated by deploy/local/stack.sh. Swift proxy with Keystone auth: the
# backend the gateway talks to.
[DEFAULT]
$common
workers = 2
bind_port = $PROXY_PORT
log_name = proxy-server

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl authtoken keystoneauth copy container-quotas account-quotas slo dlo versioned_writes symlink proxy-logging proxy-server

$filters
EOF

  # The same proxy with max_manifest_segments = 1000 (Swift's default).
  cat >"$SW_DIR/proxy-server-1000.conf" <<EOF
# Generated by deploy/local/stack.sh. The backend proxy as most clusters run
# it: SLO max_manifest_segments = 1000 (Swift's default), for the tests of
# multipart uploads of more parts than that (nested manifests).
[DEFAULT]
$common
workers = 1
bind_port = $PROXY1000_PORT
log_name = proxy-server-1000

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl authtoken keystoneauth copy container-quotas account-quotas slo dlo versioned_writes symlink proxy-logging proxy-server

${filters//max_manifest_segments = 10000/max_manifest_segments = 1000
# Segments under 1 MiB are not rate limited (SLO reads one a second after the
# tenth otherwise): the tests use 1 KiB parts to make uploads of 1000+ parts.
rate_limit_under_size = 0}
EOF

  cat >"$SW_DIR/s3api-proxy-server.conf" <<EOF
# Generated by deploy/local/stack.sh. Same cluster, fronted by Swift's own
# s3api: the reference S3 implementation the gateway is compared against.
[DEFAULT]
$common
workers = 1
bind_port = $S3API_PORT
log_name = s3api-proxy

# authtoken must come BEFORE s3api/s3token: it strips identity headers from
# every request it sees, so placed after s3token it erases the X-Identity-Status
# /X-Roles that s3token set, keystoneauth then answers 401 and s3api reports
# that as SignatureDoesNotMatch. (Same order as Swift's own sample config.)
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl authtoken s3api s3token keystoneauth copy container-quotas account-quotas slo dlo versioned_writes symlink proxy-logging proxy-server

[filter:s3api]
use = egg:swift#s3api
location = $REGION
max_upload_part_num = 10000
s3_acl = false

[filter:s3token]
use = egg:swift#s3token
auth_uri = $KEYSTONE_URL/v3
# Debian's s3token only authenticates its /v3/s3tokens calls when these
# keystoneauth1 options are present, and this Keystone refuses anonymous
# s3tokens calls. The secret cache (needs 'cache' above) saves a Keystone
# round trip per S3 request.
$ks_auth
secret_cache_duration = 60

$filters
EOF

  # Swift's object expirer: deletes objects whose X-Delete-At has passed (the
  # object servers queue them in the .expiring_objects account as they are
  # written). S3 lifecycle expiration is built on it. It reaches the cluster
  # through an internal client (this pipeline, no auth), and looks every
  # 10 s instead of Swift's 5 minutes, so tests see expiry happen.
  cat >"$SW_DIR/object-expirer.conf" <<EOF
# Generated by deploy/local/stack.sh.
[DEFAULT]
$common
log_name = object-expirer

[object-expirer]
# Swift: 300 s. Every pass lists the whole queue; at 2 s that was a quarter of
# a core throughout the suite.
interval = 10
# A queued object that is already gone (404) is retried until its entry is
# this old (Swift: a week): the gateway's own short-lived objects (claims)
# would otherwise make every pass longer for days on a long-lived test stack.
reclaim_age = 60

[pipeline:main]
pipeline = catch_errors proxy-logging cache proxy-server

# (The proxies' filter and app sections; only those in the pipeline are used.)
$filters
EOF
}

build_rings() {
  local kind port
  # Policy 1's object ring (EC 2+1): one device per fragment, three zones.
  if [ ! -f "$SW_DIR/object-1.ring.gz" ]; then
    log "swift: building object-1 ring (erasure coded policy)"
    rm -f "$SW_DIR/object-1.builder"
    swift-ring-builder "$SW_DIR/object-1.builder" create 8 3 1 >/dev/null
    local d
    for d in 2 3 4; do
      swift-ring-builder "$SW_DIR/object-1.builder" add "r1z$((d - 1))-$HOST:$OBJECT_PORT/d$d" 100 >/dev/null
    done
    swift-ring-builder "$SW_DIR/object-1.builder" rebalance >/dev/null || [ $? -eq 1 ] || die "ring rebalance failed for object-1"
    [ -f "$SW_DIR/object-1.ring.gz" ] || die "ring object-1.ring.gz not produced"
  fi
  for kind in account container object; do
    [ -f "$SW_DIR/$kind.ring.gz" ] && continue
    case $kind in
      account) port=$ACCOUNT_PORT ;; container) port=$CONTAINER_PORT ;; object) port=$OBJECT_PORT ;;
    esac
    log "swift: building $kind ring"
    rm -f "$SW_DIR/$kind.builder"
    # part power 8, 1 replica, min_part_hours 1; one device.
    swift-ring-builder "$SW_DIR/$kind.builder" create 8 1 1 >/dev/null
    swift-ring-builder "$SW_DIR/$kind.builder" add "r1z1-$HOST:$port/d1" 100 >/dev/null
    # Exit status 1 is "warning" (e.g. balance notes), which is fine here.
    swift-ring-builder "$SW_DIR/$kind.builder" rebalance >/dev/null || [ $? -eq 1 ] || die "ring rebalance failed for $kind"
    [ -f "$SW_DIR/$kind.ring.gz" ] || die "ring $kind.ring.gz not produced"
  done
}

# ------------------------------------------------------------ processes --

logfile_of() {
  case $1 in
    memcached) echo memcached.log ;;
    keystone) echo keystone-uwsgi.log ;;
    account|container|object) echo "$1-server.log" ;;
    proxy) echo proxy-server.log ;;
    s3proxy) echo s3api-proxy.log ;;
    proxy1000) echo proxy-server-1000.log ;;
    cupdater) echo container-updater.log ;;
    expirer) echo object-expirer.log ;;
    barbican) echo barbican-uwsgi.log ;;
  esac
}

start_service() {
  local name=$1
  case $name in
    memcached)
      # -P mainly puts the data dir on the command line (how we recognise our
      # own processes); a separate file because memcached complains when its
      # pid file already exists, and ours is written by start_daemon.
      start_daemon memcached "$(logfile_of memcached)" memcached -l "$HOST" -p "$MEMCACHED_PORT" -U 0 -u root -m 64 -P "$RUN_DIR/memcached.self.pid" ;;
    keystone)
      start_daemon keystone "$(logfile_of keystone)" uwsgi --ini "$KS_DIR/uwsgi.ini" ;;
    account|container|object)
      # -v: log to stderr (captured in logs/) as well as syslog; without a
      # /dev/log socket Swift falls back to UDP syslog on localhost, i.e. drops it.
      start_daemon "$name" "$(logfile_of "$name")" "swift-$name-server" "$SW_DIR/$name-server.conf" -v ;;
    proxy)
      start_daemon proxy "$(logfile_of proxy)" swift-proxy-server "$SW_DIR/proxy-server.conf" -v ;;
    s3proxy)
      start_daemon s3proxy "$(logfile_of s3proxy)" swift-proxy-server "$SW_DIR/s3api-proxy-server.conf" -v ;;
    proxy1000)
      start_daemon proxy1000 "$(logfile_of proxy1000)" swift-proxy-server "$SW_DIR/proxy-server-1000.conf" -v ;;
    cupdater)
      start_daemon cupdater "$(logfile_of cupdater)" swift-container-updater "$SW_DIR/container-server.conf" -v ;;
    expirer)
      start_daemon expirer "$(logfile_of expirer)" swift-object-expirer "$SW_DIR/object-expirer.conf" -v ;;
    barbican)
      start_barbican ;;
  esac
}

health_url() {
  case $1 in
    keystone) echo "$KEYSTONE_URL/v3" ;;
    memcached) echo "" ;;
    barbican) echo "$BARBICAN_URL/healthcheck" ;;
    *) echo "http://$HOST:${PORT[$1]}/healthcheck" ;;
  esac
}

ensure_service() {
  local name=$1 pid
  if pid=$(svc_pid "$name"); then
    return 0
  fi
  # Dead or never started. Reap leftovers of the old process group first
  # (e.g. Swift workers whose master was SIGKILLed still hold the port).
  local pf old; pf=$(pidfile "$name")
  if [ -s "$pf" ]; then
    old=$(tr -dc '0-9' <"$pf")
    if [ -n "$old" ]; then
      if [ -n "$(group_members "$old")" ]; then
        log "$name: master $old is gone; stopping its orphaned workers"
      fi
      stop_group "$name" "$old"
    fi
    rm -f "$pf"
  fi
  if [ -n "${PORT[$name]}" ] && port_open "${PORT[$name]}"; then
    die "$name: port $HOST:${PORT[$name]} is in use by a process this stack did not start (check: ss -ltnp | grep :${PORT[$name]})"
  fi
  if [ -n "${PORT[$name]}" ]; then log "starting $name on $HOST:${PORT[$name]}"; else log "starting $name"; fi
  start_service "$name"
}

wait_service() {
  local name=$1 logs=("$LOG_DIR/$(logfile_of "$1")")
  [ "$name" = keystone ] && logs+=("$LOG_DIR/keystone.log")
  [ "$name" = barbican ] && logs+=("$LOG_DIR/barbican.log")
  if [ "$name" = memcached ]; then
    local deadline=$((SECONDS + 15))
    until port_open "$MEMCACHED_PORT"; do
      svc_pid memcached >/dev/null || { tail_log "${logs[@]}"; die "memcached exited during startup"; }
      [ $SECONDS -ge $deadline ] && { tail_log "${logs[@]}"; die "memcached not listening on $MEMCACHED_PORT"; }
      sleep 0.2
    done
    return 0
  fi
  if [ -z "${PORT[$name]}" ]; then
    # A daemon without a port: alive a second after start is what can be checked.
    sleep 1
    svc_pid "$name" >/dev/null || { tail_log "${logs[@]}"; die "$name exited during startup"; }
    return 0
  fi
  wait_http "$name" "$(health_url "$name")" 200 60 "${logs[@]}"
}

# ------------------------------------------------------------ commands --

cmd_up() {
  local t0=$SECONDS
  command -v node >/dev/null || die "node (>= 20) is required on PATH (provisioning is a Node script)"
  ensure_packages
  UWSGI_PLUGIN=python3
  [ -e /usr/lib/uwsgi/plugins/python3_plugin.so ] || UWSGI_PLUGIN=$(basename "$(ls /usr/lib/uwsgi/plugins/python3*_plugin.so | head -n1)" _plugin.so)
  mkdir -p "$RUN_DIR" "$LOG_DIR" "$SECRETS_DIR" "$KS_DIR" "$SW_DIR"
  chmod 700 "$STACK_DIR" "$SECRETS_DIR"

  # Configs are rewritten every time (cheap) so edits to this script apply on
  # the next restart; state (db, keys, rings, objects, secrets) is kept.
  write_keystone_conf
  write_swift_confs
  write_barbican_conf
  link_swift_conf
  build_rings

  ensure_service memcached
  wait_service memcached
  init_keystone
  ensure_service keystone
  wait_service keystone

  # Swift's authtoken user must exist before the proxies take traffic, and
  # provisioning needs only Keystone, so do it now.
  log "provisioning Keystone (get-or-create)"
  STACK_DIR="$STACK_DIR" node "$SCRIPT_DIR/provision.mjs" keystone \
    || { tail_log "$LOG_DIR/keystone.log"; die "provisioning through the Keystone API failed"; }

  # Barbican's authtoken user was made by the provisioning above.
  init_barbican
  local s
  for s in account container object proxy s3proxy proxy1000 cupdater expirer barbican; do ensure_service "$s"; done
  for s in account container object proxy s3proxy proxy1000 cupdater expirer barbican; do wait_service "$s"; done

  # End-to-end: account HEAD through 8080, /info limits, a SigV4 request
  # through 8081 and a secrets listing from Barbican (stack.json was already
  # written by the keystone step).
  STACK_DIR="$STACK_DIR" node "$SCRIPT_DIR/provision.mjs" verify \
    || { tail_log "$LOG_DIR/proxy-server.log" "$LOG_DIR/s3api-proxy.log" "$LOG_DIR/keystone.log" "$LOG_DIR/barbican.log"; die "end-to-end check failed"; }

  cat <<EOF

Stack is up (${STACK_DIR}) in $((SECONDS - t0))s
  Keystone      $KEYSTONE_URL/v3   (region $REGION)
  Swift proxy   http://$HOST:$PROXY_PORT   (keystone auth)
  Swift s3api   http://$HOST:$S3API_PORT   (reference S3, region $REGION)
  memcached     $HOST:$MEMCACHED_PORT
  Barbican      $BARBICAN_URL   (key-manager)
  credentials   $STACK_DIR/stack.json
  logs          $LOG_DIR/
EOF
}

cmd_down() {
  local purge=0
  [ "${1:-}" = "--purge" ] && purge=1
  local i name pf pid
  # Reverse order: proxies first, Keystone and memcached last.
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    name=${SERVICES[$i]}
    pf=$(pidfile "$name")
    [ -s "$pf" ] || continue
    pid=$(tr -dc '0-9' <"$pf")
    if [ -n "$pid" ] && [ -n "$(group_members "$pid")" ]; then
      log "stopping $name (pid $pid)"
      stop_group "$name" "$pid"
    fi
    rm -f "$pf"
  done
  if [ $purge -eq 1 ]; then
    log "removing $STACK_DIR"
    if [ -L /etc/swift/swift.conf ] && [ "$(readlink /etc/swift/swift.conf)" = "$SW_DIR/swift.conf" ]; then
      rm -f /etc/swift/swift.conf
      [ -e /etc/swift/swift.conf.dist-orig ] && mv /etc/swift/swift.conf.dist-orig /etc/swift/swift.conf
    fi
    rm -rf "$STACK_DIR"
  fi
}

cmd_status() {
  local name pid state all=0
  for name in "${SERVICES[@]}"; do
    if pid=$(svc_pid "$name"); then
      if [ -z "${PORT[$name]}" ] || port_open "${PORT[$name]}"; then state=running; else state="running (port not answering)"; all=3; fi
    else
      pid=-; state=stopped; all=3
    fi
    printf '%-10s %-28s pid %-8s %s:%s\n' "$name" "$state" "$pid" "$HOST" "${PORT[$name]}"
  done
  [ -f "$STACK_DIR/stack.json" ] && echo "stack.json: $STACK_DIR/stack.json"
  return $all
}

# Sourced (by barbican.sh run on its own): settings and functions only.
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0

case "${1:-}" in
  up) cmd_up ;;
  down) shift; cmd_down "${1:-}" ;;
  destroy) cmd_down --purge ;;
  status) cmd_status ;;
  # Configs are regenerated by 'up' but only read at process start.
  restart) cmd_down; cmd_up ;;
  *) echo "usage: $0 up | down [--purge] | destroy | restart | status" >&2; exit 2 ;;
esac
