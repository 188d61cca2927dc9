#!/bin/sh
# One-shot job of docker-compose.secure.yml, run in the official apache/kafka image once the broker
# is healthy: creates each service's SCRAM-SHA-512 user, the topics, and the ACLs of acls.tsv
# (generated from the services' code by acl_spec.py; tests/test_security_kafka_acls.py keeps it current).
# It talks to the broker's INTERNAL listener as the super user `admin` (SASL PLAIN, never published).
# Idempotent: re-running it re-sets the same passwords, keeps existing topics and ACLs.
#
# Inputs: /run/secrets/kafka_<user>_password (Docker secrets), $ACL_SPEC (default /etc/redress/acls.tsv),
# $BOOTSTRAP (default kafka:9094), $KAFKA_BIN (default /opt/kafka/bin).
set -eu

BOOTSTRAP="${BOOTSTRAP:-kafka:9094}"
KAFKA_BIN="${KAFKA_BIN:-/opt/kafka/bin}"
ACL_SPEC="${ACL_SPEC:-/etc/redress/acls.tsv}"
SECRETS="${SECRETS:-/run/secrets}"
TAB="$(printf '\t')"
ADMIN_CONFIG="$(mktemp)"
trap 'rm -f "$ADMIN_CONFIG"' EXIT
chmod 600 "$ADMIN_CONFIG"

secret() { tr -d '\n' <"$SECRETS/kafka_$1_password"; }

cat >"$ADMIN_CONFIG" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$(secret admin)";
PROPS

for user in intake casework advocacy education notify; do
  "$KAFKA_BIN/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_CONFIG" --alter \
    --add-config "SCRAM-SHA-512=[password=$(secret "$user")]" --entity-type users --entity-name "$user"
done

# Services do not create each other's topics: the admin creates them all first.
grep "^topic$TAB" "$ACL_SPEC" | while IFS="$TAB" read -r _ topic; do
  "$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_CONFIG" --create \
    --if-not-exists --topic "$topic" --partitions 3 --replication-factor 1
done

# One kafka-acls call per principal and resource, with all its operations.
grep "^acl$TAB" "$ACL_SPEC" |
  awk -F"$TAB" '{ key = $2 FS $3 FS $4 FS $5; ops[key] = ops[key] " --operation " $6 }
                END { for (key in ops) print key FS ops[key] }' |
  while IFS="$TAB" read -r principal resource pattern name operations; do
    case "$resource" in
      TOPIC) flag=--topic ;;
      GROUP) flag=--group ;;
      *) echo "unknown resource type $resource" >&2; exit 1 ;;
    esac
    # shellcheck disable=SC2086  # $operations is a list of "--operation X" words
    "$KAFKA_BIN/kafka-acls.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$ADMIN_CONFIG" --add \
      --allow-principal "$principal" $operations "$flag" "$name" \
      --resource-pattern-type "$(echo "$pattern" | tr 'A-Z' 'a-z')"
  done
echo "redress: SCRAM users, topics and ACLs are in place"
