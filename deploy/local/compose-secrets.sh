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
# One development CA, a server certificate for the broker and the store (names kafka, mongo), and one
# client certificate per service named after its principal, plus `operator`: deploy/local/tls-certs.sh.
REDRESS_TLS_SERVER_NAMES=localhost,kafka,mongo "$HERE/tls-certs.sh" "$OUT/tls" >/dev/null
log "compose secrets ready in $OUT (tokens: uv run redress-token --keys-dir $OUT/devkeys ...)"
