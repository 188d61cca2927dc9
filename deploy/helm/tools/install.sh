#!/usr/bin/env bash
# Install what the chart checks need, each skipped when already in .cache/helm:
#   helm and kubeconform built from their Go modules, and the Kubernetes API schemas generated
#   from the OpenAPI document shipped in the k8s.io/kubernetes Go module (nothing from the live web).
# Called by deploy/local/install.sh and by tests/test_helm_charts.py; prints nothing when all is there.
set -euo pipefail
# shellcheck source=deploy/local/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../local/common.sh"
# shellcheck source=deploy/helm/tools/versions.sh
source "$(dirname "${BASH_SOURCE[0]}")/versions.sh"

# What Helm's own Makefile links in: its version, and the Kubernetes version of its client-go as
# the default cluster version (otherwise 1.20, which our chart's kubeVersion refuses).
helm_ldflags() {  # version
  local moddir minor
  moddir="$(go mod download -json "helm.sh/helm/v3@$1" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
  minor="$(awk '$1 == "k8s.io/client-go" {split($2, v, "."); print v[2]}' "$moddir/go.mod")"
  local x="-X helm.sh/helm/v3"
  printf '%s ' "$x/internal/version.version=$1" \
    "$x/pkg/lint/rules.k8sVersionMajor=1" "$x/pkg/lint/rules.k8sVersionMinor=$minor" \
    "$x/pkg/chartutil.k8sVersionMajor=1" "$x/pkg/chartutil.k8sVersionMinor=$minor"
}

go_binary() {  # module-path version name
  local module="$1" version="$2" name="$3" dir="$HELM_TOOLS_DIR/$3-$2"
  if [ -x "$dir/$name" ]; then return 0; fi
  command -v go >/dev/null || die "go is required to build $name"
  log "building $name $version from its Go module..."
  local t0=$SECONDS
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  local ldflags="-s -w"
  if [ "$name" = helm ]; then ldflags="$ldflags $(helm_ldflags "$version")"; fi
  GOBIN="$dir.tmp" go install -ldflags="$ldflags" "$module@$version"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  log "$name $version built in $dir ($((SECONDS - t0)) s)"
}

kube_schemas() {  # kubernetes-version
  local version="$1" out="$HELM_SCHEMAS_DIR/v$1-standalone-strict"
  if [ -f "$out/.complete" ]; then return 0; fi
  log "generating Kubernetes $version API schemas from the k8s.io/kubernetes module..."
  local moddir
  moddir="$(go mod download -json "k8s.io/kubernetes@v$version" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
  rm -rf "$out"
  python3 "$(dirname "${BASH_SOURCE[0]}")/k8s_schemas.py" "$moddir/api/openapi-spec/swagger.json" "$out"
  touch "$out/.complete"
}

mkdir -p "$HELM_TOOLS_DIR" "$HELM_SCHEMAS_DIR"
# install.sh and a test may both call this at once: one at a time.
exec 9>"$HELM_TOOLS_DIR/.install.lock"
flock -w 900 9 || die "timed out waiting for another helm tools install"
go_binary helm.sh/helm/v3/cmd/helm "$HELM_VERSION" helm
go_binary github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION" kubeconform
for version in $KUBE_VERSIONS; do kube_schemas "$version"; done
