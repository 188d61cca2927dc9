#!/usr/bin/env bash
# Development certificates for TLS to Kafka and the store, made with openssl (no keytool):
# a local CA, a server certificate for 127.0.0.1/localhost (the broker's and FerretDB's), and one
# client certificate per service (CN = the service, for mutual TLS). PEM files only: Kafka reads them
# with ssl.keystore.type=PEM, FerretDB with --listen-tls-*, the services with *_KAFKA_SSL_* and
# *_MONGO_TLS_*. Never for real data: a partner's certificates come from its own CA (cert-manager).
#   tls-certs.sh [dir]     (default: $REDRESS_TLS_DIR or .cache/tls); existing files are kept
# REDRESS_TLS_SERVER_NAMES: DNS names of the server certificate (default localhost; compose adds kafka,mongo).
#
# In <dir>: ca.crt (trust this), ca.key, server.crt, server.key, server.pem (key + certificate, for
# Kafka's PEM keystore), and for each service <service>.crt, <service>.key and <service>.pem
# (certificate + key in one file, PyMongo's tlsCertificateKeyFile); `operator` is the client certificate
# of a person's tools (mongosh, backups, health checks), never a service's.
set -euo pipefail
# shellcheck source=deploy/local/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DIR="${1:-${REDRESS_TLS_DIR:-$CACHE_DIR/tls}}"
DAYS="${REDRESS_TLS_DAYS:-825}"
CLIENTS=(intake casework advocacy education notify operator)
NAMES="${REDRESS_TLS_SERVER_NAMES:-localhost}"
SAN="IP:127.0.0.1$(printf ',DNS:%s' ${NAMES//,/ })"
mkdir -p "$DIR"
chmod 700 "$DIR"
umask 077

# PKCS#8 keys ("BEGIN PRIVATE KEY"): the form Kafka's PEM keystore reads without a password.
new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

if [ ! -s "$DIR/ca.crt" ]; then
  new_key "$DIR/ca.key"
  openssl req -x509 -new -key "$DIR/ca.key" -sha256 -days "$DAYS" -subj "/O=Redress development/CN=Redress dev CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$DIR/ca.crt" 2>/dev/null
  log "development CA made in $DIR"
fi

# sign <name> <subject> <extensions>
sign() {
  [ -s "$DIR/$1.crt" ] && return 0
  new_key "$DIR/$1.key"
  openssl req -new -key "$DIR/$1.key" -subj "$2" -out "$DIR/$1.csr" 2>/dev/null
  printf '%s\n' "$3" >"$DIR/$1.ext"
  openssl x509 -req -in "$DIR/$1.csr" -CA "$DIR/ca.crt" -CAkey "$DIR/ca.key" -CAcreateserial -sha256 \
    -days "$DAYS" -extfile "$DIR/$1.ext" -out "$DIR/$1.crt" 2>/dev/null
  rm -f "$DIR/$1.csr" "$DIR/$1.ext"
  cat "$DIR/$1.key" "$DIR/$1.crt" >"$DIR/$1.pem"
}

sign server "/O=Redress development/CN=localhost" \
  "subjectAltName=$SAN
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature"
for client in "${CLIENTS[@]}"; do
  sign "$client" "/O=Redress development/CN=$client" "extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature"
done
# Readable by the user only, except the CA certificate that anyone may trust.
chmod 644 "$DIR/ca.crt"
echo "$DIR"
