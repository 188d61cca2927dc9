#!/usr/bin/env bash
# The whole local infrastructure in one command.
#   stack.sh up      install what is missing, start Kafka, FerretDB and the OpenID provider, wait until all answer
#   stack.sh down    stop them (data is kept; use kafka.sh/ferretdb.sh/idp.sh reset to wipe)
#   stack.sh status  exit 0 only if all are running
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/local/common.sh
source "$HERE/common.sh"

up() {
  "$HERE/install.sh"
  # Started side by side: each waits for its own readiness, and the JVMs'
  # start-up dominates, so this saves FerretDB's few seconds.
  "$HERE/kafka.sh" start & local kpid=$!
  "$HERE/ferretdb.sh" start & local fpid=$!
  "$HERE/idp.sh" start & local ipid=$!
  local rc=0
  wait "$kpid" || rc=1
  wait "$fpid" || rc=1
  wait "$ipid" || rc=1
  if [ "$rc" -ne 0 ]; then
    log "stack did not come up; see $LOG_DIR"
    return 1
  fi
  log "stack is up: $("$HERE/env.sh" | tr '\n' ' ')"
}

down() {
  local rc=0
  "$HERE/kafka.sh" stop || rc=1
  "$HERE/ferretdb.sh" stop || rc=1
  "$HERE/idp.sh" stop || rc=1
  return "$rc"
}

status() {
  local rc=0
  "$HERE/kafka.sh" status || rc=$?
  "$HERE/ferretdb.sh" status || rc=$?
  "$HERE/idp.sh" status || rc=$?
  return "$rc"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
