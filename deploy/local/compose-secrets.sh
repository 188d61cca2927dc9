#!/usr/bin/env bash
# Development secrets for docker compose: a token-signing key pair (its JWKS is what the services
# trust), intake's key-encryption key, casework's notes key, and TLS material for
# docker-compose.secure.yml (a development CA and one client certificate per service).
# Production mounts the identity provider's JWKS, a KMS key and certificates from its own CA.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
. "$HERE/common.sh"
OUT="$CACHE_DIR/compose"
mkdir -p "$OUT"
venv_python -c "from pathlib import Path; from servicekit.devtokens import ensure_dev_keypair; \
ensure_dev_keypair(Path('$OUT/devkeys'))" >/dev/null
for secret in intake.kek casework-notes.key; do
  if [ ! -f "$OUT/$secret" ]; then
    (umask 077; venv_python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())" > "$OUT/$secret")
  fi
done
# One development CA, kept (with its key) so later certificates (the broker's, the store's) come
# from the same root; one client certificate per service, named after its principal. EC P-256.
TLS="$OUT/tls"
mkdir -p "$TLS"
if [ ! -f "$TLS/ca.crt" ]; then
  (umask 077; openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
    -keyout "$TLS/ca.key" -out "$TLS/ca.crt" -subj "/O=redress/CN=Redress development CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null)
fi
for service in intake casework advocacy education notify; do
  [ -f "$TLS/$service.pem" ] && continue
  (umask 077
   openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TLS/$service.key" \
     -out "$TLS/$service.csr" -subj "/O=redress/CN=$service" 2>/dev/null
   openssl x509 -req -in "$TLS/$service.csr" -CA "$TLS/ca.crt" -CAkey "$TLS/ca.key" -days 825 \
     -set_serial "0x$(openssl rand -hex 16)" -out "$TLS/$service.crt" -extfile <(printf '%s\n' \
     "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" "extendedKeyUsage=clientAuth") 2>/dev/null
   cat "$TLS/$service.crt" "$TLS/$service.key" > "$TLS/$service.pem"
   rm -f "$TLS/$service.csr")
done
log "compose secrets ready in $OUT (tokens: uv run redress-token --keys-dir $OUT/devkeys ...)"
