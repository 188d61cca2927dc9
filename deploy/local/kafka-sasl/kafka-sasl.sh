#!/usr/bin/env bash
# A local Kafka in "secure" mode: SASL/SCRAM-SHA-512 for clients and broker-to-broker, the KRaft
# StandardAuthorizer with ACLs per service principal, and a super user only for the broker and admin.
# Separate state dir and ports from the plaintext broker (deploy/local/kafka.sh), which is untouched.
#   kafka-sasl.sh start|stop|status|reset|acls|client-config <principal>
#
# Users: `admin` (super user: the broker itself and this script) and one SCRAM user per service
# (intake, casework, advocacy, education, notify). Passwords are random, generated once per state
# dir into $STATE_DIR/kafka-sasl/credentials/<user>.password (mode 0600), never committed.
# ACLs come from the services' code (acl_spec.py): a service writes only `<service>.*` topics and
# reads only what its consumer groups subscribe to plus its own dead letters.
#
# Overrides: REDRESS_STATE_DIR, REDRESS_LOG_DIR, KAFKA_SASL_PORT (19094), KAFKA_SASL_CONTROLLER_PORT
# (19095), REDRESS_TOPIC_NAMESPACE (prefix of every topic and group, empty in production).
# KAFKA_SASL_TLS_PORT (unset: none) adds a SASL_SSL listener (SCRAM inside TLS, what a shared broker on
# a network offers) with the development certificates of deploy/local/tls-certs.sh in REDRESS_TLS_DIR
# (default .cache/tls): the broker's key and certificate as a PEM keystore, the CA as a PEM truststore;
# a client certificate signed by that CA is verified when one is presented (ssl.client.auth=requested).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/local/common.sh
source "$HERE/../common.sh"

DIR="$STATE_DIR/kafka-sasl"
DATA="$DIR/data"
CREDS="$DIR/credentials"
PIDFILE="$DIR/kafka.pid"
LOGFILE="$LOG_DIR/kafka-sasl.log"
PORT="${KAFKA_SASL_PORT:-19094}"
CONTROLLER_PORT="${KAFKA_SASL_CONTROLLER_PORT:-19095}"
NAMESPACE="${REDRESS_TOPIC_NAMESPACE:-}"
MARKER="-Dredress.kafka-sasl.dir=$DIR"
BOOTSTRAP="127.0.0.1:$PORT"
TLS_PORT="${KAFKA_SASL_TLS_PORT:-}"
TLS_DIR="${REDRESS_TLS_DIR:-$CACHE_DIR/tls}"
SERVICE_USERS=(intake casework advocacy education notify)

read -r -a HEAP <<<"${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}"
JAVA=(java "${HEAP[@]}" -XX:+UseG1GC -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$DIR/log4j2.properties" "$MARKER" -cp "$KAFKA_HOME/libs/*")
# The admin tool: a short-lived JVM with a small heap, logging warnings only.
TOOL=(java -Xmx256m "-Dlog4j2.configurationFile=$DIR/log4j2.properties" -cp "$KAFKA_HOME/libs/*")

password_of() { cat "$CREDS/$1.password"; }

# Alphanumeric only: the password travels inside JAAS quotes and the --add-scram [name=..,password=..] syntax.
ensure_credentials() {
  mkdir -p "$CREDS"
  chmod 700 "$CREDS"
  local user
  for user in admin "${SERVICE_USERS[@]}"; do
    if [ ! -s "$CREDS/$user.password" ]; then
      # Finite pipeline (no reader closing early), so pipefail sees no SIGPIPE: 48 random bytes, ~60 chars kept to 32.
      (umask 077; head -c 48 /dev/urandom | base64 | LC_ALL=C tr -dc 'A-Za-z0-9' | cut -c1-32 | tr -d '\n' >"$CREDS/$user.password")
    fi
    # A Kafka client config per user, for kafka-clients tools and for checking a principal by hand.
    (umask 077; cat >"$CREDS/$user.properties" <<PROPS
bootstrap.servers=$BOOTSTRAP
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$user" password="$(password_of "$user")";
PROPS
    )
  done
}

write_config() {
  # The admin password is not written into server.properties: Kafka's DirectoryConfigProvider reads
  # it from the credentials dir at start-up (the same mechanism docker-compose.secure.yml uses with
  # Docker secrets).
  local admin_pw='${dir:'"$CREDS"':admin.password}' tls_config=""
  if [ -n "$TLS_PORT" ]; then
    tls_config="$(cat <<TLS
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin_pw";
listener.name.sasl_ssl.ssl.keystore.type=PEM
listener.name.sasl_ssl.ssl.keystore.location=$TLS_DIR/server.pem
listener.name.sasl_ssl.ssl.truststore.type=PEM
listener.name.sasl_ssl.ssl.truststore.location=$TLS_DIR/ca.crt
listener.name.sasl_ssl.ssl.client.auth=requested
TLS
)"
  fi
  (umask 077; cat >"$DIR/server.properties" <<PROPS
config.providers=dir
config.providers.dir.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider
config.providers.dir.param.allowed.paths=$CREDS
process.roles=broker,controller
node.id=1
listeners=SASL_PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT${TLS_PORT:+,SASL_SSL://127.0.0.1:$TLS_PORT}
advertised.listeners=SASL_PLAINTEXT://127.0.0.1:$PORT${TLS_PORT:+,SASL_SSL://127.0.0.1:$TLS_PORT}
controller.listener.names=CONTROLLER
# Every listener authenticates. (On a network, use SASL_SSL: SCRAM proves who is talking, TLS hides what is said.)
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
inter.broker.listener.name=SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$admin_pw";
$tls_config
# KRaft controllers cannot use SCRAM (its credentials live in the metadata they serve): PLAIN, admin only.
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$admin_pw" user_admin="$admin_pw";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin
# Deny by default: a principal without an ACL for a resource gets nothing.
allow.everyone.if.no.acl.found=false
controller.quorum.bootstrap.servers=127.0.0.1:$CONTROLLER_PORT
log.dirs=$DATA
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.partitions=3
# Topics are created by the admin from the spec; a principal's typo must not create one.
auto.create.topics.enable=false
PROPS
  )
  cat >"$DIR/log4j2.properties" <<'L4J'
status = warn
appender.out.type = Console
appender.out.target = SYSTEM_ERR
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.out.ref = OUT
logger.kafka.name = kafka
logger.kafka.level = info
L4J
}

# SCRAM credentials of every user are written into the bootstrap metadata at format time.
format_once() {
  [ -f "$DATA/meta.properties" ] && return 0
  local cluster_id user scram=()
  cluster_id="$("${JAVA[@]}" kafka.tools.StorageTool random-uuid 2>>"$LOGFILE")"
  for user in admin "${SERVICE_USERS[@]}"; do
    scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(password_of "$user")]")
  done
  log "formatting SASL Kafka storage (cluster $cluster_id) with SCRAM users: admin ${SERVICE_USERS[*]}"
  "${JAVA[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$DIR/server.properties" --standalone \
    "${scram[@]}" >>"$LOGFILE" 2>&1 || die "SASL Kafka storage format failed, see $LOGFILE"
}

apply_acls() {
  local spec="$DIR/acl-spec.tsv"
  venv_python "$HERE/acl_spec.py" --namespace "$NAMESPACE" >"$spec"
  pid_running "$PIDFILE" "$MARKER" || die "SASL Kafka is not running"
  # Waits for the broker (a real admin request), then creates the topics and the ACL bindings.
  "${TOOL[@]}" "$HERE/SaslAdmin.java" "$CREDS/admin.properties" "$spec" "$READY_TIMEOUT" 2>>"$LOGFILE" || {
    log "applying ACLs failed; last lines of $LOGFILE:"; tail -n 30 "$LOGFILE" >&2; return 1; }
}

start() {
  [ -f "$KAFKA_HOME/.complete" ] || die "Kafka $KAFKA_VERSION is not installed: run deploy/local/install.sh"
  mkdir -p "$DIR" "$LOG_DIR"
  exec 9>"$DIR/.lock"
  flock -w 300 9 || die "timed out waiting for another kafka-sasl.sh on $DIR"
  if pid_running "$PIDFILE" "$MARKER"; then
    log "SASL Kafka already running (pid $(cat "$PIDFILE")) on $BOOTSTRAP"
  else
    for p in "$PORT" "$CONTROLLER_PORT" $TLS_PORT; do
      port_open "$p" && die "port $p is already in use (set KAFKA_SASL_PORT/KAFKA_SASL_CONTROLLER_PORT/KAFKA_SASL_TLS_PORT)"
    done
    [ -z "$TLS_PORT" ] || "$HERE/../tls-certs.sh" "$TLS_DIR" >/dev/null
    ensure_credentials
    write_config
    format_once
    log "starting SASL/SCRAM Kafka $KAFKA_VERSION with ACLs on $BOOTSTRAP${TLS_PORT:+ and SASL_SSL on 127.0.0.1:$TLS_PORT} (log: $LOGFILE)"
    setsid "${JAVA[@]}" kafka.Kafka "$DIR/server.properties" </dev/null >>"$LOGFILE" 2>&1 9>&- &
    echo $! >"$PIDFILE"
  fi
  flock -u 9
  apply_acls
}

status() {
  if pid_running "$PIDFILE" "$MARKER"; then
    echo "kafka-sasl: running (pid $(cat "$PIDFILE")) on $BOOTSTRAP"
  else
    echo "kafka-sasl: stopped"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop_pid "$PIDFILE" "$MARKER" "SASL Kafka" ;;
  status) status ;;
  acls) apply_acls ;;
  client-config)
    [ -n "${2:-}" ] && [ -f "$CREDS/${2}.properties" ] || die "usage: $0 client-config <admin|${SERVICE_USERS[*]// /|}>"
    echo "$CREDS/$2.properties"
    ;;
  reset)
    stop_pid "$PIDFILE" "$MARKER" "SASL Kafka"
    rm -rf "$DIR"
    log "SASL Kafka data and credentials wiped ($DIR)"
    ;;
  *) echo "usage: $0 start|stop|status|reset|acls|client-config <user>" >&2; exit 2 ;;
esac
