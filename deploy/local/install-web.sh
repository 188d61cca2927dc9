#!/usr/bin/env bash
# Install what the web app and its browser tests need, skipping whatever is already there:
#   the npm packages of web/ (npm ci, from the committed lock) and Debian's chromium for Playwright.
# Playwright's own browser download cannot work on these machines (only package registries are
# reachable), so the browser tests drive the distribution's Chromium.
set -euo pipefail
# shellcheck source=deploy/local/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
WEB="$REDRESS_ROOT/web"

install_web_packages() {
  command -v npm >/dev/null || die "node (20.19+) and npm are required to build the web app"
  local stamp="$WEB/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$WEB/package-lock.json" ]; then return 0; fi
  log "installing the web app's npm packages (npm ci)..."
  (cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error)
}

install_chromium() {
  if [ -x /usr/bin/chromium ]; then return 0; fi
  if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
    log "warning: /usr/bin/chromium is missing and cannot be installed here; the browser tests will be skipped"
    return 0
  fi
  log "installing Debian's chromium (and its French resources) for the browser tests (apt-get)..."
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-l10n >"$LOG_DIR/install-chromium.log" 2>&1 ||
    die "apt-get could not install chromium (see $LOG_DIR/install-chromium.log)"
}

mkdir -p "$LOG_DIR"
install_web_packages
install_chromium
