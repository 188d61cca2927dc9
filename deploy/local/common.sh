# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts that source this
# Shared settings and helpers for the local-stack scripts. Sourced, never run.
# Everything is derived from the environment so tests can point a throwaway
# state dir and other ports at the same scripts.

REDRESS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_DIR="${REDRESS_CACHE_DIR:-$REDRESS_ROOT/.cache}"
# Data (Kafka log dirs, FerretDB SQLite files, pid files) lives in the state dir.
STATE_DIR="${REDRESS_STATE_DIR:-$CACHE_DIR/data}"
LOG_DIR="${REDRESS_LOG_DIR:-$CACHE_DIR/logs}"

KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_HOME="$CACHE_DIR/kafka/$KAFKA_VERSION"

FERRETDB_VERSION="${FERRETDB_VERSION:-v1.24.2}"
FERRETDB_PORT="${FERRETDB_PORT:-27117}"
FERRETDB_DEBUG_PORT="${FERRETDB_DEBUG_PORT:-18088}"
# The project's patch to FerretDB (its _id finds, replaces and deletes use the _id index; filters and
# one-key sorts are pushed down to SQLite: see deploy/local/ferretdb/README.md). FERRETDB_PATCH= (empty)
# builds FerretDB as released, to measure against. The build directory is named after the patches'
# hash, so a changed patch is rebuilt by the next install and an old binary is never reused.
FERRETDB_PATCH="${FERRETDB_PATCH-$REDRESS_ROOT/deploy/local/ferretdb/$FERRETDB_VERSION-redress.patch}"
# With it, a patch to the SQLite driver FerretDB builds with (its connections keep their prepared
# statements: deploy/local/ferretdb/README.md, item 12), named after the driver version it applies to.
FERRETDB_SQLITE_VERSION="v1.32.0"
FERRETDB_SQLITE_PATCH="$REDRESS_ROOT/deploy/local/ferretdb/modernc-sqlite-$FERRETDB_SQLITE_VERSION.patch"
if [ -n "$FERRETDB_PATCH" ]; then
  FERRETDB_BUILD="$FERRETDB_VERSION-redress-$( (cat "$FERRETDB_PATCH" "$FERRETDB_SQLITE_PATCH" 2>/dev/null || echo missing) |
    (sha256sum 2>/dev/null || shasum -a 256) | cut -c1-12)"
else
  FERRETDB_BUILD="$FERRETDB_VERSION"
fi
FERRETDB_BIN="$CACHE_DIR/ferretdb/$FERRETDB_BUILD/ferretdb"

# The OpenID Connect provider (Keycloak's distribution from Maven Central), see docs/identity.md.
KEYCLOAK_VERSION="${KEYCLOAK_VERSION:-26.5.6}"
KEYCLOAK_HOME="$CACHE_DIR/keycloak/$KEYCLOAK_VERSION"
IDP_PORT="${IDP_PORT:-18080}"
# Opened only if health or metrics get enabled; pinned anyway so nothing lands on Keycloak's 9000.
IDP_MANAGEMENT_PORT="${IDP_MANAGEMENT_PORT:-$((IDP_PORT + 1))}"
IDP_REALM="redress"
IDP_ISSUER="http://127.0.0.1:$IDP_PORT/realms/$IDP_REALM"
# Origins of the web app: redirect URIs of the `redress-web` client are rendered from these.
REDRESS_WEB_ORIGINS="${REDRESS_WEB_ORIGINS:-http://127.0.0.1:8090,http://localhost:8090}"

# Seconds to wait for readiness and for a clean shutdown before SIGKILL.
READY_TIMEOUT="${REDRESS_READY_TIMEOUT:-120}"
STOP_TIMEOUT="${REDRESS_STOP_TIMEOUT:-30}"

log() { printf '[redress] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# uv may have been installed by pip into a scripts dir that is not on PATH
# (pyenv shims need a rehash, --user installs go to ~/.local/bin): look there too.
find_uv() {
  if command -v uv >/dev/null 2>&1; then command -v uv; return 0; fi
  local scripts
  scripts="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null || true)"
  for c in "$scripts/uv" "$HOME/.local/bin/uv"; do
    [ -x "$c" ] && { echo "$c"; return 0; }
  done
  return 1
}

# Run a workspace python without re-syncing: install.sh has synced already,
# and a sync racing with another engineer's `uv run` would only slow us down.
venv_python() {
  local uv
  uv="$(find_uv)" || die "uv is missing: run deploy/local/install.sh"
  (cd "$REDRESS_ROOT" && "$uv" run --frozen --no-sync python "$@")
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A pid file is trusted only if the process is alive AND its command line still
# contains the marker we started it with: pids are reused after a reboot.
pid_running() {  # pidfile marker
  local pid
  [ -f "$1" ] || return 1
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$2"
}

# SIGTERM lets Kafka flush and FerretDB close SQLite cleanly; SIGKILL only
# after STOP_TIMEOUT so a wedged process never blocks `make test` forever.
# With "group", SIGKILL goes to the process group the pid leads (a launcher
# script and its JVM, started together under setsid).
stop_pid() {  # pidfile marker name [group]
  local pidfile="$1" marker="$2" name="$3" pid i target
  if ! pid_running "$pidfile" "$marker"; then
    rm -f "$pidfile"; log "$name is not running"; return 0
  fi
  pid="$(cat "$pidfile")"
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; log "$name stopped"; return 0; }
    sleep 0.1
  done
  log "$name did not stop within ${STOP_TIMEOUT}s, sending SIGKILL"
  target="$pid"
  [ "${4:-}" = group ] && target="-$pid"
  kill -KILL -- "$target" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pidfile"
}

# The probe retries by itself and also watches the pid, so a broker that dies
# at start fails fast with its log tail instead of waiting out the timeout.
wait_ready() {  # pidfile marker name logfile probe-args...
  local pidfile="$1" marker="$2" name="$3" logfile="$4"; shift 4
  local pid i
  # A process started a moment ago may not have exec'ed yet (its command line is still this shell's):
  # give it a few seconds before calling it not running.
  for ((i = 0; i < 50; i++)); do
    pid_running "$pidfile" "$marker" && break
    kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || break
    sleep 0.1
  done
  pid_running "$pidfile" "$marker" || die "$name is not running (start it first)"
  pid="$(cat "$pidfile")"
  if venv_python "$REDRESS_ROOT/deploy/local/probe.py" "$@" --timeout "$READY_TIMEOUT" --pid "$pid"; then
    return 0
  fi
  log "$name is not ready; last lines of $logfile:"
  tail -n 30 "$logfile" >&2 || true
  return 1
}
