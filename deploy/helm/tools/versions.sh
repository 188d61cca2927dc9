# shellcheck shell=bash disable=SC2034  # sourced by install.sh; check.py reads the same names
# Versions of the chart-checking tools (each a release the Go module proxy serves) and the
# Kubernetes versions the charts are validated against: the oldest and the newest we support.
HELM_VERSION="v3.22.0"
KUBECONFORM_VERSION="v0.8.0"
KUBE_VERSIONS="1.33.13 1.37.2"
HELM_TOOLS_DIR="${REDRESS_CACHE_DIR:-$REDRESS_ROOT/.cache}/helm"
HELM_SCHEMAS_DIR="$HELM_TOOLS_DIR/schemas"
