#!/usr/bin/env bash
# Run a command with the local stack up, then stop what this script started,
# and exit with the command's own status.
#   deploy/local/with-stack.sh uv run --frozen pytest -q
# A stack that was already running (a developer's shell) is left running.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ "$#" -gt 0 ] || { echo "usage: $0 command [args...]" >&2; exit 2; }

started=()
"$HERE/kafka.sh" status >/dev/null 2>&1 || started+=(kafka)
"$HERE/ferretdb.sh" status >/dev/null 2>&1 || started+=(ferretdb)
"$HERE/idp.sh" status >/dev/null 2>&1 || started+=(idp)

# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
  for s in "${started[@]}"; do "$HERE/$s.sh" stop || true; done
}
# Installed before `up`, so a half-started stack is stopped too.
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$HERE/stack.sh" up
eval "$("$HERE/env.sh")"
# Tests may stop and restart this stack (broker-outage test): they only do so when told it is theirs.
export REDRESS_STACK_MANAGED=1

rc=0
"$@" || rc=$?
exit "$rc"
