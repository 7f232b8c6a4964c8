#!/usr/bin/env bash
# The one command that sets everything up on a fresh machine and runs every check and test:
# npm packages, the Python virtualenv (moto, PySpark, pytest, ruff), lint, types, the
# TypeScript tests (unit, moto integration, bundles run as the runner runs them, workflow
# checks) and the PySpark job tests.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# Reinstall node_modules only when the lock file changed since the last install.
if [ ! -f node_modules/.lock.sha256 ] || [ "$(sha256sum package-lock.json | cut -d' ' -f1)" != "$(cat node_modules/.lock.sha256)" ]; then
  step "npm ci"
  npm ci --no-audit --no-fund
  sha256sum package-lock.json | cut -d' ' -f1 > node_modules/.lock.sha256
fi

step "Python virtualenv"
bash scripts/setup-python.sh

# PySpark needs a JDK; use the machine's when JAVA_HOME is not set.
if [ -z "${JAVA_HOME:-}" ] && command -v java >/dev/null; then
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  export JAVA_HOME
fi

step "lint and format (eslint, prettier, ruff)"
npx eslint .
npx prettier --check .
.venv/bin/ruff check jobs test scripts
.venv/bin/ruff format --check jobs test scripts

step "typecheck"
npx tsc --noEmit

step "TypeScript tests (vitest)"
npx vitest run

step "PySpark job tests (pytest)"
.venv/bin/python -m pytest
