# Sourced first by scripts/test.sh and scripts/run-pipeline.sh, from the project's root. The
# only steps that run on the machine's Node (20 or newer): node_modules from the lock file,
# then the Node of .node-version (scripts/setup-node.sh). The calling script then runs again
# with that Node first on PATH, so everything after it (vitest, the bundles the tests and
# the local runner start, tsx) runs on the Node the actions name in runs.using.

# npm ci only when the lock file changed since the last install.
install_node_modules() {
  local lock
  lock=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -f node_modules/.lock.sha256 ] || [ "$lock" != "$(cat node_modules/.lock.sha256)" ]; then
    echo "==> npm ci (on the machine's Node $(node --version))"
    npm ci --no-audit --no-fund
    echo "$lock" > node_modules/.lock.sha256
  fi
}

# run_on_project_node <script> [args]: returns when `node` is already the project's Node,
# else runs the script again with it first on PATH (and never returns).
run_on_project_node() {
  local bin
  bin=$(bash scripts/setup-node.sh)
  if [ "$(command -v node)" != "$bin/node" ]; then
    PATH="$bin:$PATH" exec bash "$@"
  fi
}
