#!/usr/bin/env bash
# `make run`: install what is missing, start Kafka, FerretDB and the OpenID provider, start all five
# services (API and worker each), run a short demo of the flow, print the URLs, and stop everything on Ctrl-C.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
. "$HERE/common.sh"

SERVICES=(intake casework advocacy education notify)
declare -A PORTS=([intake]=8001 [casework]=8002 [advocacy]=8003 [education]=8004 [notify]=8005)
RUN_DIR="$CACHE_DIR/run"
RUN_LOGS="$LOG_DIR/run"
WEBHOOK_PORT="${WEBHOOK_PORT:-8010}"
PIDS=()
STARTED_STACK=0

stop_all() {
  trap - INT TERM EXIT
  log "stopping the services..."
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ "$STARTED_STACK" = 1 ]; then "$HERE/stack.sh" down; fi
  log "stopped."
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$HERE/install.sh"
if ! "$HERE/kafka.sh" status >/dev/null 2>&1 || ! "$HERE/ferretdb.sh" status >/dev/null 2>&1 ||
  ! "$HERE/idp.sh" status >/dev/null 2>&1; then
  STARTED_STACK=1
fi
"$HERE/stack.sh" up
eval "$("$HERE/env.sh")"

for port in "${PORTS[@]}" 8009 "$WEBHOOK_PORT"; do
  if port_open "$port"; then die "port $port is already in use"; fi
done

# Development secrets: a signing key pair for tokens and intake's key-encryption key, kept 0600.
mkdir -p "$RUN_DIR" "$RUN_LOGS"
venv_python -c "from pathlib import Path; from servicekit.devtokens import ensure_dev_keypair; \
ensure_dev_keypair(Path('$RUN_DIR/devkeys'))" >/dev/null
for secret in intake.kek casework-notes.key; do
  if [ ! -f "$RUN_DIR/$secret" ]; then
    (umask 077; venv_python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())" \
      > "$RUN_DIR/$secret")
  fi
done

if [ ! -f "$RUN_DIR/webhook.secret" ]; then
  (umask 077; venv_python -c "from servicekit.webhooks import generate_secret; print(generate_secret())" \
    > "$RUN_DIR/webhook.secret")
fi

UV="$(find_uv)"
# The reference webhook receiver (a partner's endpoint): verifies signatures, records what it accepted.
"$UV" run --frozen --no-sync python "$HERE/webhook_receiver.py" --secret-file "$RUN_DIR/webhook.secret" \
  --port "$WEBHOOK_PORT" --record "$RUN_DIR/webhooks-received.jsonl" >>"$RUN_LOGS/webhook-receiver.log" 2>&1 &
PIDS+=("$!")
# A local SMS gateway speaking Africa's Talking's API, so the demo's SMS never leave the machine.
"$UV" run --frozen --no-sync python "$HERE/sms_sink.py" --port 8009 >>"$RUN_LOGS/sms-sink.log" 2>&1 &
PIDS+=("$!")
NOTIFY_ENV=(NOTIFY_SMS_PRIMARY_KIND=africastalking NOTIFY_SMS_PRIMARY_BASE_URL=http://127.0.0.1:8009
  NOTIFY_SMS_PRIMARY_ACCOUNT=sandbox NOTIFY_SMS_PRIMARY_SECRET=dev-sink NOTIFY_SMS_PRIMARY_SENDER=REDRESS
  "NOTIFY_CALLBACK_PHONE=+223 20 22 33 44" NOTIFY_DISPATCHER_POLL_SECONDS=0.5)
# Every service trusts the OpenID provider (beside the dev issuer) and lets the web app's origins call it;
# casework and notify get their key-release tokens from the provider by client credentials.
WEB_ORIGINS_JSON="$(python3 -c 'import json, sys; print(json.dumps([o.strip() for o in sys.argv[1].split(",") if o.strip()]))' \
  "$REDRESS_WEB_ORIGINS")"
for svc in "${SERVICES[@]}"; do
  PREFIX="${svc^^}"
  IDP_ENV=("${PREFIX}_OIDC_ISSUER=$REDRESS_OIDC_ISSUER" "${PREFIX}_CORS_ALLOWED_ORIGINS=$WEB_ORIGINS_JSON")
  if [ "$svc" = casework ] || [ "$svc" = notify ]; then
    IDP_ENV+=("${PREFIX}_OAUTH_TOKEN_URL=$REDRESS_OIDC_ISSUER/protocol/openid-connect/token"
      "${PREFIX}_OAUTH_CLIENT_ID=svc-$svc" "${PREFIX}_OAUTH_CLIENT_SECRET=svc-$svc-dev-secret")
  fi
  for kind in api worker; do
    env "${PREFIX}_KAFKA_BOOTSTRAP=$REDRESS_KAFKA_BOOTSTRAP" "${PREFIX}_MONGO_URL=$REDRESS_MONGO_URL" \
      "${PREFIX}_HTTP_PORT=${PORTS[$svc]}" "${PREFIX}_AUTH_JWKS_FILE=$RUN_DIR/devkeys/dev-jwks.json" \
      "${PREFIX}_DEV_SIGNING_KEY_FILE=$RUN_DIR/devkeys/dev-signing-key.pem" \
      "${PREFIX}_INTAKE_URL=http://127.0.0.1:${PORTS[intake]}" \
      "INTAKE_KEK_SOURCE=file:$RUN_DIR/intake.kek" "CASEWORK_NOTES_KEY_SOURCE=file:$RUN_DIR/casework-notes.key" \
      "${PREFIX}_WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true" \
      "${NOTIFY_ENV[@]}" "${IDP_ENV[@]}" \
      "$UV" run --frozen --no-sync python -m "$svc.entrypoints.$kind" >>"$RUN_LOGS/$svc-$kind.log" 2>&1 &
    PIDS+=("$!")
  done
done

log "waiting for the five services to answer /healthz..."
for svc in "${SERVICES[@]}"; do
  for i in $(seq 1 120); do
    if venv_python -c "import httpx,sys; sys.exit(httpx.get('http://127.0.0.1:${PORTS[$svc]}/healthz').status_code != 200)" \
      2>/dev/null; then break; fi
    [ "$i" = 120 ] && die "$svc did not start: see $RUN_LOGS/$svc-api.log"
    sleep 0.5
  done
  log "  $svc ready on http://127.0.0.1:${PORTS[$svc]}"
done

# The staff web app: built from web/, served with its CSP and a config.json naming these services.
WEB_PORT="${WEB_PORT:-8090}"
port_open "$WEB_PORT" && die "port $WEB_PORT (WEB_PORT) is already in use"
log "building the web app (npm --prefix web run build)..."
npm --prefix "$REDRESS_ROOT/web" run build >>"$RUN_LOGS/web-build.log" 2>&1 || die "the web app did not build: see $RUN_LOGS/web-build.log"
WEB_ARGS=(--port "$WEB_PORT" --issuer "${REDRESS_OIDC_ISSUER:-http://127.0.0.1:18080/realms/redress}")
for svc in "${SERVICES[@]}"; do WEB_ARGS+=(--service "$svc=http://127.0.0.1:${PORTS[$svc]}"); done
"$UV" run --frozen --no-sync python "$HERE/web_server.py" "${WEB_ARGS[@]}" >>"$RUN_LOGS/web.log" 2>&1 &
PIDS+=("$!")

log "running the demo scenario..."
venv_python "$HERE/demo.py" --keys "$RUN_DIR/devkeys/dev-signing-key.pem" \
  --webhook-secret-file "$RUN_DIR/webhook.secret" --webhook-url "http://127.0.0.1:$WEBHOOK_PORT/hooks" || log "the demo did not complete: see the logs in $RUN_LOGS"

cat <<MSG

Redress is running.
Web app:   http://127.0.0.1:${WEB_PORT}  (demo users awa, moussa, ... password redress-demo: demo only)
API documentation:
  intake     http://127.0.0.1:${PORTS[intake]}/docs
  casework   http://127.0.0.1:${PORTS[casework]}/docs
  advocacy   http://127.0.0.1:${PORTS[advocacy]}/docs
  education  http://127.0.0.1:${PORTS[education]}/docs
  notify     http://127.0.0.1:${PORTS[notify]}/docs
Sign-in: $REDRESS_OIDC_ISSUER (Keycloak; admin console http://127.0.0.1:$IDP_PORT/admin, ${IDP_ADMIN_USER:-admin} / ${IDP_ADMIN_PASSWORD:-redress-demo})
  demo users, password redress-demo (demo only): awa monitor, moussa documentation_officer (org-amdh);
  fatoumata lawyer, kadiatou case_manager, aminata notify_admin (org-legal); ibrahim lawyer (org-wildaf);
  oumar advocacy_officer, mariam analyst (org-fidh); seydou educator (org-edu); admin admin (org-amdh)
Tokens:  uv run redress-token --keys-dir $RUN_DIR/devkeys --role monitor --org org-amdh --sub alice
SMS:     http://127.0.0.1:8009/messages (local sink; nothing leaves the machine)
Webhooks: http://127.0.0.1:$WEBHOOK_PORT/received (reference receiver: what casework's signed webhooks delivered)
Logs:    $RUN_LOGS
Press Ctrl-C to stop everything.
MSG
while true; do sleep 3600 & wait $!; done
