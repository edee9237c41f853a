#!/usr/bin/env bash
# Installs what the real-VS-Code test layers and the demo need on a fresh Debian machine:
#   - Debian packages: chromium (headless browser), ripgrep and the headers code-server builds against
#   - code-server 4.99.4 (VS Code 1.99.3, runs on Node 20) into a cache folder outside node_modules
#   - moto (the local AWS API server) when it is not already on PATH
# Idempotent: each part is skipped when it is already there.
set -euo pipefail

CS_VERSION=4.99.4
CACHE_DIR="${AURORA_SG_CACHE:-$HOME/.cache/aurora-sg}"
CS_DIR="$CACHE_DIR/code-server-$CS_VERSION"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
if [ ! -x "$CS_DIR/node_modules/.bin/code-server" ]; then
  for p in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config; do
    dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p")
  done
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "[install] apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! command -v moto_server >/dev/null 2>&1; then
  echo "[install] pip install moto[server]"
  python3 -m pip install --quiet 'moto[server]'
fi

if [ ! -x "$CS_DIR/node_modules/.bin/code-server" ]; then
  echo "[install] code-server@$CS_VERSION into $CS_DIR"
  mkdir -p "$CS_DIR"
  # @vscode/ripgrep's postinstall downloads rg from GitHub unless it finds a cached archive:
  # seed that cache with Debian's rg under the exact name it looks for.
  cache="$(node -p "require('os').tmpdir()")/vscode-ripgrep-cache-1.15.11"
  seed=$(mktemp -d); cp "$(command -v rg)" "$seed/rg"; mkdir -p "$cache"
  tar czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$seed" rg
  rm -rf "$seed"
  ( cd "$CS_DIR" && [ -f package.json ] || echo '{"name":"aurora-sg-code-server","private":true}' > "$CS_DIR/package.json" )
  ( cd "$CS_DIR" && npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --no-audit --no-fund --foreground-scripts "code-server@$CS_VERSION" >"$CS_DIR/install.log" 2>&1 ) \
    || { tail -50 "$CS_DIR/install.log"; echo "[install] code-server install failed" >&2; exit 1; }
fi
echo "[install] ready: chromium=$(command -v chromium) code-server=$CS_DIR/node_modules/.bin/code-server moto=$(command -v moto_server)"
