#!/usr/bin/env bash
# Install what the local stack needs, skipping whatever is already there:
#   uv, the workspace venv, the Kafka jars (via Maven), a FerretDB binary (via Go, with the
#   project's patch from deploy/local/ferretdb/), Keycloak, the OpenID Connect provider (its
#   distribution zip, via Maven), the chart-checking tools (helm, kubeconform and the Kubernetes
#   API schemas, via Go), and the web app's npm packages and Debian's chromium (install-web.sh).
# No Docker and no release tarballs: the machines reach only package registries,
# so Kafka comes from Maven Central and FerretDB from the Go module proxy.
set -euo pipefail
# shellcheck source=deploy/local/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

install_uv() {
  if UV="$(find_uv)"; then return 0; fi
  log "installing uv from PyPI..."
  python3 -m pip install --quiet uv
  UV="$(find_uv)" || die "uv installed but not found on PATH"
}

sync_venv() {
  # --frozen: the lock is committed and is the truth; never re-resolve here.
  log "syncing the workspace venv (uv sync --all-packages --frozen)..."
  (cd "$REDRESS_ROOT" && "$UV" sync --all-packages --frozen --quiet)
}

install_kafka() {
  local marker="$KAFKA_HOME/.complete"
  if [ -f "$marker" ]; then return 0; fi
  command -v java >/dev/null || die "java (17+) is required for Kafka"
  command -v mvn >/dev/null || die "mvn is required to fetch the Kafka jars"
  log "fetching Kafka $KAFKA_VERSION jars with Maven (about a minute)..."
  local t0=$SECONDS
  local work="$KAFKA_HOME/.build"
  rm -rf "$work" "$KAFKA_HOME/libs"
  mkdir -p "$work"
  # Kafka 4 logs through log4j2; log4j-slf4j-impl routes the slf4j calls of
  # its dependencies there too (slf4j-reload4j would bring back log4j 1).
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.redress.local</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>2.24.3</version>
    </dependency>
  </dependencies>
</project>
POM
  # Maven's output (even with -q) is noise unless it fails: keep it in a log.
  local mvnlog="$LOG_DIR/install-kafka-maven.log"
  if ! mvn -q -B -f "$work/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$work/libs" -DincludeScope=runtime >"$mvnlog" 2>&1; then
    tail -n 40 "$mvnlog" >&2
    die "Maven could not fetch the Kafka jars (full log: $mvnlog)"
  fi
  # Move into place only when complete, then mark, so an interrupted fetch is redone.
  mv "$work/libs" "$KAFKA_HOME/libs"
  rm -rf "$work"
  ls "$KAFKA_HOME/libs" >"$marker"
  log "Kafka $KAFKA_VERSION: $(wc -l <"$marker") jars in $KAFKA_HOME/libs ($((SECONDS - t0)) s)"
}

# The SQLite driver FerretDB builds with, patched, in place of its module: a tree of links to the
# module's files (it is large, and read-only in Go's cache) whose patched files are copies.
patch_sqlite_driver() {
  local src="$1" driver="$2" moddir file
  local required
  required="$(cd "$src" && go list -m -f '{{.Version}}' modernc.org/sqlite)"
  [ "$required" = "$FERRETDB_SQLITE_VERSION" ] ||
    die "FerretDB $FERRETDB_VERSION builds with modernc.org/sqlite $required, the patch is for $FERRETDB_SQLITE_VERSION"
  [ -f "$FERRETDB_SQLITE_PATCH" ] || die "SQLite driver patch not found: $FERRETDB_SQLITE_PATCH"
  moddir="$(cd "$src" && go mod download -json "modernc.org/sqlite@$FERRETDB_SQLITE_VERSION" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
  mkdir -p "$(dirname "$driver")"
  cp -rs "$moddir" "$driver"
  chmod -R u+w "$driver"
  for file in $(sed -n 's|^+++ b/||p' "$FERRETDB_SQLITE_PATCH"); do
    if [ -L "$driver/$file" ]; then cp --remove-destination "$moddir/$file" "$driver/$file"; fi
  done
  (cd "$driver" && GIT_CEILING_DIRECTORIES="$(dirname "$driver")" git apply "$FERRETDB_SQLITE_PATCH") ||
    die "the SQLite driver patch does not apply to $FERRETDB_SQLITE_VERSION: $FERRETDB_SQLITE_PATCH"
  (cd "$src" && go mod edit -replace "modernc.org/sqlite=$driver")
}

install_ferretdb() {
  if [ -x "$FERRETDB_BIN" ]; then return 0; fi
  command -v go >/dev/null || die "go is required to build FerretDB"
  command -v git >/dev/null || die "git is required to apply the project's FerretDB patch"
  [ -z "$FERRETDB_PATCH" ] || [ -f "$FERRETDB_PATCH" ] || die "FerretDB patch not found: $FERRETDB_PATCH"
  log "building FerretDB $FERRETDB_BUILD with Go (about a minute)..."
  local moddir src t0=$SECONDS
  moddir="$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
  # `go install ...@version` builds a binary that panics at start: the
  # build/version/version.txt it embeds is generated by upstream tooling and is
  # not in the module zip. So build from a writable copy with that file written.
  src="$CACHE_DIR/ferretdb/src-$FERRETDB_BUILD"
  rm -rf "$src"
  mkdir -p "$(dirname "$src")"
  cp -r "$moddir" "$src"
  chmod -R u+w "$src"
  if [ -n "$FERRETDB_PATCH" ]; then
    # git apply as a plain `patch` (the ceiling keeps it from finding this repository around .cache).
    (cd "$src" && GIT_CEILING_DIRECTORIES="$(dirname "$src")" git apply "$FERRETDB_PATCH") ||
      die "the FerretDB patch does not apply to $FERRETDB_VERSION: $FERRETDB_PATCH"
  fi
  local driver="$CACHE_DIR/ferretdb/sqlite-$FERRETDB_BUILD"
  rm -rf "$driver"
  if [ -n "$FERRETDB_PATCH" ]; then patch_sqlite_driver "$src" "$driver"; fi
  # The version the store reports (buildInfo.ferretdbVersion) names the patch it was built with.
  echo "$FERRETDB_BUILD" >"$src/build/version/version.txt"
  mkdir -p "$(dirname "$FERRETDB_BIN")"
  (cd "$src" && GOFLAGS=-buildvcs=false go build -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb)
  mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
  rm -rf "$src" "$driver"
  log "FerretDB $FERRETDB_BUILD built at $FERRETDB_BIN ($((SECONDS - t0)) s)"
}

install_keycloak() {
  local marker="$KEYCLOAK_HOME/.complete"
  if [ -f "$marker" ]; then return 0; fi
  command -v java >/dev/null || die "java (17+) is required for Keycloak"
  command -v mvn >/dev/null || die "mvn is required to fetch Keycloak"
  command -v unzip >/dev/null || die "unzip is required to unpack Keycloak"
  log "fetching Keycloak $KEYCLOAK_VERSION with Maven and building it (about a minute)..."
  local t0=$SECONDS work="$CACHE_DIR/keycloak/.build-$KEYCLOAK_VERSION"
  local mvnlog="$LOG_DIR/install-keycloak.log"
  rm -rf "$work" "$KEYCLOAK_HOME"
  mkdir -p "$work"
  # The server distribution is published to Maven Central as a zip: the same bits as the release archive.
  if ! mvn -q -B dependency:copy "-Dartifact=org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" \
    -DoutputDirectory="$work" >"$mvnlog" 2>&1; then
    tail -n 40 "$mvnlog" >&2
    die "Maven could not fetch Keycloak (full log: $mvnlog)"
  fi
  unzip -q "$work/keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip" -d "$work"
  # Build-time options once here, so every start is `start --optimized` (no re-augmentation):
  # the embedded H2 database, which is all a development realm needs.
  if ! "$work/keycloak-$KEYCLOAK_VERSION/bin/kc.sh" build --db=dev-file >>"$mvnlog" 2>&1; then
    tail -n 40 "$mvnlog" >&2
    die "Keycloak build failed (full log: $mvnlog)"
  fi
  # Move into place only when complete, then mark, so an interrupted install is redone.
  mv "$work/keycloak-$KEYCLOAK_VERSION" "$KEYCLOAK_HOME"
  rm -rf "$work"
  echo "$KEYCLOAK_VERSION" >"$marker"
  log "Keycloak $KEYCLOAK_VERSION installed in $KEYCLOAK_HOME ($((SECONDS - t0)) s)"
}

install_helm_tools() {
  # Its own lock and cache (.cache/helm); silent when everything is there.
  "$REDRESS_ROOT/deploy/helm/tools/install.sh"
}

# openssl makes the development certificates of the TLS broker and store (tls-certs.sh).
install_openssl() {
  command -v openssl >/dev/null && return 0
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    log "installing openssl (apt-get)..."
    apt-get install -y -q openssl >"$LOG_DIR/install-openssl.log" 2>&1 ||
      { apt-get update -q >>"$LOG_DIR/install-openssl.log" 2>&1 && apt-get install -y -q openssl >>"$LOG_DIR/install-openssl.log" 2>&1; } ||
      die "cannot install openssl (see $LOG_DIR/install-openssl.log)"
  else
    die "openssl is required for the TLS tests' certificates"
  fi
}

mkdir -p "$CACHE_DIR" "$LOG_DIR"
# `make test` and a test fixture may both call this at once: one at a time.
exec 8>"$CACHE_DIR/.install.lock"
flock -w 600 8 || die "timed out waiting for another install.sh"
install_uv
install_openssl
sync_venv
install_kafka
install_ferretdb
install_keycloak
install_helm_tools
"$(dirname "${BASH_SOURCE[0]}")/install-web.sh"
log "install complete"
