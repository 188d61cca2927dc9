#!/usr/bin/env bash
# `make run`: install what is missing, start Kafka, FerretDB and the OpenID provider, build the web app,
# start all five services (API and worker each) and the web app's server under a supervisor that
# restarts any process that exits, run a short demo of the flow, print the URLs, and stop everything
# on Ctrl-C or SIGTERM (also when started in the background).
# Ports come from the environment: INTAKE_HTTP_PORT ... NOTIFY_HTTP_PORT (8001-8005; each worker's
# /metrics on that port + 1000), REDRESS_SMS_SINK_PORT (8009), REDRESS_WEBHOOK_RECEIVER_PORT (8010) and
# WEB_PORT (8090; list its origin in REDRESS_WEB_ORIGINS when it changes); REDRESS_RUN_NAMESPACE (e.g. "t1.")
# gives topics and databases a prefix,
# REDRESS_RUN_DEMO=0 skips the demo, REDRESS_RUN_LOGS moves the logs.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# A shell started in the background by a non-interactive one inherits SIGINT ignored and cannot trap it:
# start again through python, which puts SIGINT back to its default before running this script.
if [ -z "${REDRESS_RUN_SIGINT_RESET:-}" ]; then
  export REDRESS_RUN_SIGINT_RESET=1
  exec python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv("/usr/bin/env", ["env", "bash", *sys.argv[1:]])' "$0" "$@"
fi
# shellcheck source=common.sh
. "$HERE/common.sh"

SERVICES=(intake casework advocacy education notify)
declare -A PORTS=([intake]="${INTAKE_HTTP_PORT:-8001}" [casework]="${CASEWORK_HTTP_PORT:-8002}"
  [advocacy]="${ADVOCACY_HTTP_PORT:-8003}" [education]="${EDUCATION_HTTP_PORT:-8004}"
  [notify]="${NOTIFY_HTTP_PORT:-8005}")
SMS_PORT="${REDRESS_SMS_SINK_PORT:-8009}"
WEBHOOK_PORT="${REDRESS_WEBHOOK_RECEIVER_PORT:-8010}"
WEB_PORT="${WEB_PORT:-8090}"
NAMESPACE="${REDRESS_RUN_NAMESPACE:-}"
RUN_DIR="$CACHE_DIR/run"
RUN_LOGS="${REDRESS_RUN_LOGS:-$LOG_DIR/run}"
STARTED_STACK=0

# Until the supervisor takes over, a failed start stops the stack this script started.
stop_stack() {
  if [ "$STARTED_STACK" = 1 ]; then "$HERE/stack.sh" down; fi
}
trap stop_stack EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$HERE/install.sh"
if ! "$HERE/kafka.sh" status >/dev/null 2>&1 || ! "$HERE/ferretdb.sh" status >/dev/null 2>&1 ||
  ! "$HERE/idp.sh" status >/dev/null 2>&1; then
  STARTED_STACK=1
fi
"$HERE/stack.sh" up
eval "$("$HERE/env.sh")"

for port in "${PORTS[@]}" "$SMS_PORT" "$WEBHOOK_PORT" "$WEB_PORT"; do
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

PY="$REDRESS_ROOT/.venv/bin/python"
STATE="$RUN_DIR/${NAMESPACE:+${NAMESPACE%.}-}"  # per namespace: a test's run beside a developer's
SPEC="${STATE}processes.tsv"
: >"$SPEC"
add_process() {  # name command... : one line of the supervisor's spec
  local name="$1"; shift
  printf '%s\t%s\t%s\n' "$name" "$RUN_LOGS/$name.log" "$(printf '%q ' "$@")" >>"$SPEC"
}
# A local SMS gateway speaking Africa's Talking's API, so the demo's SMS never leave the machine.
add_process sms-sink "$PY" "$HERE/sms_sink.py" --port "$SMS_PORT"
# The reference webhook receiver (a partner's endpoint): verifies signatures, records what it accepted.
add_process webhook-receiver "$PY" "$HERE/webhook_receiver.py" --secret-file "$RUN_DIR/webhook.secret" \
  --port "$WEBHOOK_PORT" --record "${STATE}webhooks-received.jsonl"
NOTIFY_ENV=(NOTIFY_SMS_PRIMARY_KIND=africastalking "NOTIFY_SMS_PRIMARY_BASE_URL=http://127.0.0.1:$SMS_PORT"
  NOTIFY_SMS_PRIMARY_ACCOUNT=sandbox NOTIFY_SMS_PRIMARY_SECRET=dev-sink NOTIFY_SMS_PRIMARY_SENDER=REDRESS
  "NOTIFY_CALLBACK_PHONE=+223 20 22 33 44" NOTIFY_DISPATCHER_POLL_SECONDS=0.5)
# Every service trusts the OpenID provider (beside the dev issuer) and lets the web app's origins call it;
# casework and notify get their key-release tokens from the provider by client credentials.
WEB_ORIGINS_JSON="$(python3 -c 'import json, sys; print(json.dumps([o.strip() for o in sys.argv[1].split(",") if o.strip()]))' \
  "$REDRESS_WEB_ORIGINS")"
case ",$REDRESS_WEB_ORIGINS," in
  *",http://127.0.0.1:$WEB_PORT,"*) ;;
  *) log "warning: http://127.0.0.1:$WEB_PORT is not in REDRESS_WEB_ORIGINS: sign-in and API calls from the web app will be refused" ;;
esac
READY=()
for svc in "${SERVICES[@]}"; do
  PREFIX="${svc^^}"
  IDP_ENV=("${PREFIX}_OIDC_ISSUER=$REDRESS_OIDC_ISSUER" "${PREFIX}_CORS_ALLOWED_ORIGINS=$WEB_ORIGINS_JSON")
  if [ "$svc" = casework ] || [ "$svc" = notify ]; then
    IDP_ENV+=("${PREFIX}_OAUTH_TOKEN_URL=$REDRESS_OIDC_ISSUER/protocol/openid-connect/token"
      "${PREFIX}_OAUTH_CLIENT_ID=svc-$svc" "${PREFIX}_OAUTH_CLIENT_SECRET=svc-$svc-dev-secret")
  fi
  for kind in api worker; do
    add_process "$svc-$kind" env "${PREFIX}_KAFKA_BOOTSTRAP=$REDRESS_KAFKA_BOOTSTRAP" \
      "${PREFIX}_MONGO_URL=$REDRESS_MONGO_URL" "${PREFIX}_MONGO_DB=${NAMESPACE//./_}$svc" \
      "${PREFIX}_TOPIC_NAMESPACE=$NAMESPACE" \
      "${PREFIX}_HTTP_PORT=${PORTS[$svc]}" "${PREFIX}_METRICS_PORT=$((PORTS[$svc] + 1000))" \
      "${PREFIX}_AUTH_JWKS_FILE=$RUN_DIR/devkeys/dev-jwks.json" \
      "${PREFIX}_DEV_SIGNING_KEY_FILE=$RUN_DIR/devkeys/dev-signing-key.pem" \
      "${PREFIX}_INTAKE_URL=http://127.0.0.1:${PORTS[intake]}" \
      "INTAKE_KEK_SOURCE=file:$RUN_DIR/intake.kek" "CASEWORK_NOTES_KEY_SOURCE=file:$RUN_DIR/casework-notes.key" \
      "${PREFIX}_WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true" \
      "${NOTIFY_ENV[@]}" "${IDP_ENV[@]}" "$PY" -m "$svc.entrypoints.$kind"
  done
  READY+=(--ready "http://127.0.0.1:${PORTS[$svc]}/healthz")
done

# The staff web app: built from web/, served with its CSP and a config.json naming these services.
log "building the web app (npm --prefix web run build)..."
npm --prefix "$REDRESS_ROOT/web" run build >>"$RUN_LOGS/web-build.log" 2>&1 ||
  die "the web app did not build: see $RUN_LOGS/web-build.log"
WEB_ARGS=(--port "$WEB_PORT" --issuer "$REDRESS_OIDC_ISSUER")
for svc in "${SERVICES[@]}"; do WEB_ARGS+=(--service "$svc=http://127.0.0.1:${PORTS[$svc]}"); done
add_process web "$PY" "$HERE/web_server.py" "${WEB_ARGS[@]}"
READY+=(--ready "http://127.0.0.1:$WEB_PORT/config.json")

cat >"${STATE}banner.txt" <<MSG

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
SMS:     http://127.0.0.1:$SMS_PORT/messages (local sink; nothing leaves the machine)
Webhooks: http://127.0.0.1:$WEBHOOK_PORT/received (reference receiver: what casework's signed webhooks delivered)
Logs:    $RUN_LOGS (a process that exits is restarted; see its log)
Press Ctrl-C to stop everything.
MSG
SUPERVISE=("$PY" "$HERE/supervise.py" --spec "$SPEC" --pids "${STATE}pids.json" --banner "${STATE}banner.txt"
  "${READY[@]}")
if [ "${REDRESS_RUN_DEMO:-1}" != 0 ]; then
  export INTAKE_HTTP_PORT="${PORTS[intake]}" CASEWORK_HTTP_PORT="${PORTS[casework]}" NOTIFY_HTTP_PORT="${PORTS[notify]}"
  export ADVOCACY_HTTP_PORT="${PORTS[advocacy]}" EDUCATION_HTTP_PORT="${PORTS[education]}" REDRESS_SMS_SINK_PORT="$SMS_PORT"
  SUPERVISE+=(--after "$(printf '%q ' "$PY" "$HERE/demo.py" --keys "$RUN_DIR/devkeys/dev-signing-key.pem" \
    --webhook-secret-file "$RUN_DIR/webhook.secret" --webhook-url "http://127.0.0.1:$WEBHOOK_PORT/hooks")")
fi
if [ "$STARTED_STACK" = 1 ]; then SUPERVISE+=(--on-exit "$(printf '%q ' "$HERE/stack.sh" down)"); fi
log "starting the five services under the supervisor (logs in $RUN_LOGS)..."
trap - EXIT INT TERM
# The supervisor replaces this shell: it restarts what exits and stops everything on SIGINT/SIGTERM.
exec "${SUPERVISE[@]}"
