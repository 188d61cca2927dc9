#!/usr/bin/env bash
# FerretDB (MongoDB wire protocol over SQLite) on loopback, built with the project's patch by install.sh.
#   ferretdb.sh start|stop|status|wait|reset
# FERRETDB_TLS_PORT (unset: none) adds a TLS listener with the development certificates of
# deploy/local/tls-certs.sh in REDRESS_TLS_DIR (default .cache/tls); FerretDB then requires a client
# certificate signed by that CA (mutual TLS), e.g. <service>.pem from the same directory.
set -euo pipefail
# shellcheck source=deploy/local/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DIR="$STATE_DIR/ferretdb"
DATA="$DIR/sqlite"
PIDFILE="$DIR/ferretdb.pid"
LOGFILE="$LOG_DIR/ferretdb.log"
# The state dir is on the command line, so pid_running can tell our process
# from anything else that reused the pid.
MARKER="--state-dir=$DIR/state"
URL="mongodb://127.0.0.1:$FERRETDB_PORT/"
TLS_PORT="${FERRETDB_TLS_PORT:-}"
TLS_DIR="${REDRESS_TLS_DIR:-$CACHE_DIR/tls}"

start() {
  [ -x "$FERRETDB_BIN" ] || die "FerretDB $FERRETDB_BUILD is not installed: run deploy/local/install.sh"
  mkdir -p "$DATA" "$DIR/state" "$LOG_DIR"
  exec 9>"$DIR/.lock"
  flock -w 300 9 || die "timed out waiting for another ferretdb.sh on $DIR"
  if pid_running "$PIDFILE" "$MARKER" && stale_build; then
    # The patch changed since this store started: the data directory works with either build.
    log "FerretDB on $URL runs another build than $FERRETDB_BUILD: restarting it"
    stop_pid "$PIDFILE" "$MARKER" FerretDB
  fi
  if pid_running "$PIDFILE" "$MARKER"; then
    log "FerretDB already running (pid $(cat "$PIDFILE")) on $URL"
  else
    for p in "$FERRETDB_PORT" "$FERRETDB_DEBUG_PORT" $TLS_PORT; do
      port_open "$p" && die "port $p is already in use by another process (set FERRETDB_PORT/FERRETDB_DEBUG_PORT/FERRETDB_TLS_PORT)"
    done
    local tls=()
    if [ -n "$TLS_PORT" ]; then
      "$(dirname "${BASH_SOURCE[0]}")/tls-certs.sh" "$TLS_DIR" >/dev/null
      tls=(--listen-tls="127.0.0.1:$TLS_PORT" --listen-tls-cert-file="$TLS_DIR/server.crt"
        --listen-tls-key-file="$TLS_DIR/server.key" --listen-tls-ca-file="$TLS_DIR/ca.crt")
    fi
    log "starting FerretDB $FERRETDB_BUILD on $URL${TLS_PORT:+ and TLS on 127.0.0.1:$TLS_PORT} (log: $LOGFILE)"
    # SQLite backend: no PostgreSQL needed. Telemetry off: the project never
    # phones home, and the machines could not reach the endpoint anyway.
    # setsid, no inherited stdio or lock fd: see kafka.sh.
    setsid "$FERRETDB_BIN" --handler=sqlite --sqlite-url="file:$DATA/" \
      --listen-addr="127.0.0.1:$FERRETDB_PORT" --debug-addr="127.0.0.1:$FERRETDB_DEBUG_PORT" \
      --telemetry=disable "$MARKER" --log-level="${FERRETDB_LOG_LEVEL:-warn}" ${tls[@]+"${tls[@]}"} \
      </dev/null >>"$LOGFILE" 2>&1 9>&- &
    echo $! >"$PIDFILE"
  fi
  flock -u 9
  wait_ready "$PIDFILE" "$MARKER" FerretDB "$LOGFILE" mongo "$URL"
}

# The running store's executable is not FERRETDB_BIN (Linux /proc; elsewhere it is taken as current).
stale_build() {
  local exe
  exe="$(readlink -f "/proc/$(cat "$PIDFILE")/exe" 2>/dev/null)" || return 1
  [ -n "$exe" ] && [ "$exe" != "$(readlink -f "$FERRETDB_BIN")" ]
}

status() {
  if pid_running "$PIDFILE" "$MARKER"; then
    echo "ferretdb: running (pid $(cat "$PIDFILE")) on $URL"
  else
    echo "ferretdb: stopped"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop_pid "$PIDFILE" "$MARKER" FerretDB ;;
  status) status ;;
  wait) wait_ready "$PIDFILE" "$MARKER" FerretDB "$LOGFILE" mongo "$URL" ;;
  reset)
    stop_pid "$PIDFILE" "$MARKER" FerretDB
    rm -rf "$DIR"
    log "FerretDB data wiped ($DIR)"
    ;;
  *) echo "usage: $0 start|stop|status|wait|reset" >&2; exit 2 ;;
esac
