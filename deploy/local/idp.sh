#!/usr/bin/env bash
# The OpenID Connect provider (Keycloak, realm `redress`) on loopback, installed by install.sh.
#   idp.sh start|stop|status|wait|reset
# The realm comes from deploy/local/idp/realm-redress.json, with the web app's redirect URIs rendered
# from REDRESS_WEB_ORIGINS. Its data (an H2 database) lives in the state dir; a start whose rendered
# realm differs from the one imported wipes that database so the repo's realm is imported afresh, and
# `start` on a provider running another configuration restarts it. See docs/identity.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/local/common.sh
source "$HERE/common.sh"

DIR="$STATE_DIR/idp"
# A per-state Keycloak home: hard links to the install (kc.sh finds its home from its own path),
# with its own data/ (the realm to import, temp files), so two state dirs never share one.
KC_HOME="$DIR/keycloak"
DB="$DIR/h2/keycloakdb"
PIDFILE="$DIR/idp.pid"
LOGFILE="$LOG_DIR/idp.log"
IMPORTED="$DIR/imported-realm.sha256"
# The database path is on kc.sh's command line, so pid_running can tell our provider from others.
MARKER="--db-url=jdbc:h2:file:$DB;"
# Keycloak needs 10-20 s alone on two cores, but 88 s at load average 12 and 236 s at 30: a wider bound.
READY_TIMEOUT="${IDP_READY_TIMEOUT:-300}"

prepare_home() {
  local installed
  installed="$(cat "$KEYCLOAK_HOME/.complete" 2>/dev/null)" ||
    die "Keycloak $KEYCLOAK_VERSION is not installed: run deploy/local/install.sh"
  if [ "$(cat "$KC_HOME/.installed-from" 2>/dev/null || true)" != "$installed" ]; then
    rm -rf "$KC_HOME"
    mkdir -p "$DIR"
    # Hard links cost nothing; another file system gets a real copy.
    cp -al "$KEYCLOAK_HOME" "$KC_HOME" 2>/dev/null || { rm -rf "$KC_HOME"; cp -a "$KEYCLOAK_HOME" "$KC_HOME"; }
    rm -rf "$KC_HOME/data"
    echo "$installed" >"$KC_HOME/.installed-from"
  fi
  mkdir -p "$KC_HOME/data/import" "$DIR/h2" "$LOG_DIR"
}

# Renders the realm for this run into the import dir and prints its hash.
render_realm() {
  local out="$KC_HOME/data/import/$IDP_REALM.json"
  python3 "$HERE/idp/render.py" "$HERE/idp/realm-$IDP_REALM.json" "$out" --origins "$REDRESS_WEB_ORIGINS" >&2 ||
    die "cannot render the realm (REDRESS_WEB_ORIGINS=$REDRESS_WEB_ORIGINS)"
  sha256sum "$out" | cut -d' ' -f1
}

launch() {
  for p in "$IDP_PORT" "$IDP_MANAGEMENT_PORT"; do
    port_open "$p" && die "port $p is already in use by another process (set IDP_PORT/IDP_MANAGEMENT_PORT)"
  done
  log "starting Keycloak $KEYCLOAK_VERSION, issuer $IDP_ISSUER (log: $LOGFILE)"
  # Production mode on the prebuilt server (`--optimized`), plain HTTP on loopback only, a local cache
  # (no cluster discovery), login events not logged (they name users). The bootstrap admin of the
  # master realm is development-only, like the demo users. setsid + no inherited stdio or lock fd: see
  # kafka.sh; setsid also makes kc.sh and its JVM one process group that `stop` can end together.
  KC_BOOTSTRAP_ADMIN_USERNAME="${IDP_ADMIN_USER:-admin}" KC_BOOTSTRAP_ADMIN_PASSWORD="${IDP_ADMIN_PASSWORD:-redress-demo}" \
    setsid "$KC_HOME/bin/kc.sh" start --optimized --import-realm \
    --http-enabled=true --http-host=127.0.0.1 --http-port="$IDP_PORT" \
    --http-management-port="$IDP_MANAGEMENT_PORT" --hostname="http://127.0.0.1:$IDP_PORT" \
    --cache=local "$MARKER""NON_KEYWORDS=VALUE" --log-level="INFO,org.keycloak.events:ERROR" \
    </dev/null >>"$LOGFILE" 2>&1 9>&- &
  echo $! >"$PIDFILE"
}

# SIGTERM to kc.sh is forwarded to the JVM, which shuts down cleanly; past STOP_TIMEOUT the whole
# process group (kc.sh and its JVM, nothing else: setsid made it) gets SIGKILL.
stop() {
  stop_pid "$PIDFILE" "$MARKER" Keycloak group
}

wait_idp() {
  wait_ready "$PIDFILE" "$MARKER" Keycloak "$LOGFILE" oidc "$IDP_ISSUER"
}

start() {
  exec 9>"$DIR/.lock"
  flock -w 300 9 || die "timed out waiting for another idp.sh on $DIR"
  prepare_home
  local wanted
  wanted="$(render_realm)"
  if pid_running "$PIDFILE" "$MARKER"; then
    if [ "$(cat "$IMPORTED" 2>/dev/null || true)" = "$wanted" ]; then
      log "Keycloak already running (pid $(cat "$PIDFILE")), issuer $IDP_ISSUER"
      flock -u 9
      wait_idp
      return
    fi
    log "Keycloak runs another realm configuration (web origins?): restarting it"
    stop
  fi
  if [ "$(cat "$IMPORTED" 2>/dev/null || true)" != "$wanted" ]; then
    # --import-realm skips a realm that exists: drop the old database so the repo's realm is imported.
    log "realm configuration changed since the last import: importing it afresh"
    rm -rf "$DIR/h2" "$IMPORTED"
    mkdir -p "$DIR/h2"
  fi
  launch
  flock -u 9
  wait_idp
  echo "$wanted" >"$IMPORTED"
}

status() {
  if pid_running "$PIDFILE" "$MARKER"; then
    echo "idp: running (pid $(cat "$PIDFILE")), issuer $IDP_ISSUER"
  else
    echo "idp: stopped"
    return 3
  fi
}

mkdir -p "$DIR"
case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  wait) wait_idp ;;
  reset)
    stop
    rm -rf "$DIR"
    log "identity provider data wiped ($DIR)"
    ;;
  *) echo "usage: $0 start|stop|status|wait|reset" >&2; exit 2 ;;
esac
