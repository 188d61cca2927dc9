#!/usr/bin/env bash
# Where the local stack listens, for tools and services run by hand.
#   eval "$(deploy/local/env.sh)"    or    source deploy/local/env.sh
# Honours the same KAFKA_PORT / FERRETDB_PORT / IDP_PORT overrides as the stack scripts.
export REDRESS_KAFKA_BOOTSTRAP="127.0.0.1:${KAFKA_PORT:-19092}"
export REDRESS_MONGO_URL="mongodb://127.0.0.1:${FERRETDB_PORT:-27117}/"
export REDRESS_OIDC_ISSUER="http://127.0.0.1:${IDP_PORT:-18080}/realms/redress"

# Executed (not sourced): print the exports so a caller can eval them.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  printf 'export REDRESS_KAFKA_BOOTSTRAP=%s\n' "$REDRESS_KAFKA_BOOTSTRAP"
  printf 'export REDRESS_MONGO_URL=%s\n' "$REDRESS_MONGO_URL"
  printf 'export REDRESS_OIDC_ISSUER=%s\n' "$REDRESS_OIDC_ISSUER"
fi
