#!/usr/bin/env bash
# A single-node Kafka (KRaft: broker and controller in one JVM) on loopback,
# run from the Maven-fetched jars in .cache/kafka/<version>/libs.
#   kafka.sh start|stop|status|wait|reset
set -euo pipefail
# shellcheck source=deploy/local/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DIR="$STATE_DIR/kafka"
DATA="$DIR/data"
PIDFILE="$DIR/kafka.pid"
LOGFILE="$LOG_DIR/kafka.log"
# Written into the JVM's command line, so pid_running can tell our broker
# from any other java process that reused the pid.
MARKER="-Dredress.kafka.dir=$DIR"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

write_config() {
  cat >"$DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
# With 'format --standalone' the quorum is bootstrapped from this, not from controller.quorum.voters.
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
log.dirs=$DATA
# One broker: internal topics cannot have more than one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests start consumers often; do not make each one wait 3 s for a rebalance.
group.initial.rebalance.delay.ms=0
num.partitions=3
auto.create.topics.enable=true
PROPS
  # Console appender on stderr only: the broker's stdout and stderr go to the
  # log file, which then also holds what the JVM itself prints (crashes, OOM),
  # and `StorageTool random-uuid` keeps a clean stdout to capture.
  cat >"$DIR/log4j2.properties" <<'L4J'
status = warn
appender.out.type = Console
appender.out.target = SYSTEM_ERR
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = OUT
logger.request.name = kafka.request.logger
logger.request.level = warn
logger.statechange.name = state.change.logger
logger.statechange.level = warn
L4J
}

# A modest heap: the machines have 2 cores and run FerretDB, five services and tests beside it.
read -r -a HEAP <<<"${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}"
JAVA=(java "${HEAP[@]}" -XX:+UseG1GC -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$DIR/log4j2.properties" "$MARKER" -cp "$KAFKA_HOME/libs/*")

# Format once. The controller's address is recorded in the bootstrap
# checkpoint, so a later change of KAFKA_CONTROLLER_PORT needs a reset.
format_once() {
  if [ -f "$DATA/meta.properties" ]; then
    local formatted
    formatted="$(cat "$DIR/formatted-controller-port" 2>/dev/null || true)"
    [ "$formatted" = "$KAFKA_CONTROLLER_PORT" ] ||
      die "Kafka storage was formatted for controller port '$formatted', not $KAFKA_CONTROLLER_PORT: run '$0 reset'"
    return 0
  fi
  local cluster_id
  cluster_id="$("${JAVA[@]}" kafka.tools.StorageTool random-uuid 2>>"$LOGFILE")"
  log "formatting Kafka storage (cluster $cluster_id)"
  "${JAVA[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$DIR/server.properties" --standalone \
    >>"$LOGFILE" 2>&1 || die "Kafka storage format failed, see $LOGFILE"
  echo "$KAFKA_CONTROLLER_PORT" >"$DIR/formatted-controller-port"
}

start() {
  [ -f "$KAFKA_HOME/.complete" ] || die "Kafka $KAFKA_VERSION is not installed: run deploy/local/install.sh"
  mkdir -p "$DIR" "$LOG_DIR"
  # The lock keeps two concurrent `start`s (a dev shell and a test fixture)
  # from formatting or launching twice.
  exec 9>"$DIR/.lock"
  flock -w 300 9 || die "timed out waiting for another kafka.sh on $DIR"
  if pid_running "$PIDFILE" "$MARKER"; then
    log "Kafka already running (pid $(cat "$PIDFILE")) on $BOOTSTRAP"
  else
    for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
      port_open "$p" && die "port $p is already in use by another process (set KAFKA_PORT/KAFKA_CONTROLLER_PORT)"
    done
    write_config
    format_once
    log "starting Kafka $KAFKA_VERSION on $BOOTSTRAP (log: $LOGFILE)"
    # setsid + no inherited stdin/stdout: the broker outlives this script and
    # never holds the caller's terminal or pipe open. 9>&- so it does not
    # inherit (and hold forever) the start lock.
    setsid "${JAVA[@]}" kafka.Kafka "$DIR/server.properties" \
      </dev/null >>"$LOGFILE" 2>&1 9>&- &
    echo $! >"$PIDFILE"
  fi
  flock -u 9
  wait_ready "$PIDFILE" "$MARKER" Kafka "$LOGFILE" kafka "$BOOTSTRAP"
}

status() {
  if pid_running "$PIDFILE" "$MARKER"; then
    echo "kafka: running (pid $(cat "$PIDFILE")) on $BOOTSTRAP"
  else
    echo "kafka: stopped"
    return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop_pid "$PIDFILE" "$MARKER" Kafka ;;
  status) status ;;
  wait) wait_ready "$PIDFILE" "$MARKER" Kafka "$LOGFILE" kafka "$BOOTSTRAP" ;;
  reset)
    stop_pid "$PIDFILE" "$MARKER" Kafka
    rm -rf "$DIR"
    log "Kafka data wiped ($DIR)"
    ;;
  *) echo "usage: $0 start|stop|status|wait|reset" >&2; exit 2 ;;
esac
