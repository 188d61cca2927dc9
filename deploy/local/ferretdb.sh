#!/usr/bin/env bash
# FerretDB (MongoDB wire protocol over SQLite) on loopback, built with the project's patch by install.sh.
#   ferretdb.sh start|stop|status|wait|reset
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

start() {
  [ -x "$FERRETDB_BIN" ] || die "FerretDB $FERRETDB_BUILD is not installed: run deploy/local/install.sh"
  mkdir -p "$DATA" "$DIR/state" "$LOG_DIR"
  exec 9>"$DIR/.lock"
  flock -w 300 9 || die "timed out waiting for another ferretdb.sh on $DIR"
  if pid_running "$PIDFILE" "$MARKER"; then
    log "FerretDB already running (pid $(cat "$PIDFILE")) on $URL"
  else
    for p in "$FERRETDB_PORT" "$FERRETDB_DEBUG_PORT"; do
      port_open "$p" && die "port $p is already in use by another process (set FERRETDB_PORT/FERRETDB_DEBUG_PORT)"
    done
    log "starting FerretDB $FERRETDB_BUILD on $URL (log: $LOGFILE)"
    # SQLite backend: no PostgreSQL needed. Telemetry off: the project never
    # phones home, and the machines could not reach the endpoint anyway.
    # setsid, no inherited stdio or lock fd: see kafka.sh.
    setsid "$FERRETDB_BIN" --handler=sqlite --sqlite-url="file:$DATA/" \
      --listen-addr="127.0.0.1:$FERRETDB_PORT" --debug-addr="127.0.0.1:$FERRETDB_DEBUG_PORT" \
      --telemetry=disable "$MARKER" --log-level="${FERRETDB_LOG_LEVEL:-warn}" \
      </dev/null >>"$LOGFILE" 2>&1 9>&- &
    echo $! >"$PIDFILE"
  fi
  flock -u 9
  wait_ready "$PIDFILE" "$MARKER" FerretDB "$LOGFILE" mongo "$URL"
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
