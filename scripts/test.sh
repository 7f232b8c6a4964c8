#!/usr/bin/env bash
# The one command that sets everything up on a fresh machine and runs every check and test:
# npm packages, the Python virtualenvs (moto, PySpark, pytest, ruff, zizmor; cfn-lint,
# checkov), actionlint and nektos/act, lint (code and workflows), the CloudFormation
# template's checks, types, the TypeScript tests (unit, moto integration, bundles run as the
# runner runs them, workflow checks, the runner against act) and the PySpark job tests.
set -euo pipefail
cd "$(dirname "$0")/.."

began=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$*" "$(($(date +%s) - began))"; }

# Every temporary file of this run (the actions' runner files, the tests' lakes, pytest's
# and Python's temp folders) goes under one folder, removed at the end whatever happens, so
# a run never leaves folders behind in the machine's temp directory.
run_tmp=$(mktemp -d "${TMPDIR:-/tmp}/spark-pipeline-test.XXXXXX")
trap 'rm -rf "$run_tmp"' EXIT
export TMPDIR="$run_tmp"

# Reinstall node_modules only when the lock file changed since the last install.
if [ ! -f node_modules/.lock.sha256 ] || [ "$(sha256sum package-lock.json | cut -d' ' -f1)" != "$(cat node_modules/.lock.sha256)" ]; then
  step "npm ci"
  npm ci --no-audit --no-fund
  sha256sum package-lock.json | cut -d' ' -f1 > node_modules/.lock.sha256
fi

step "Python virtualenv"
bash scripts/setup-python.sh

# actionlint, built from source through the Go module proxy into .cache/bin once.
step "workflow linters (actionlint; zizmor comes with the virtualenv)"
bash scripts/setup-lint-tools.sh

# The jars local Spark needs for s3:// (S3A) and Iceberg, from Maven Central, once into
# .cache/jars/: the local EMR Serverless tests run spark-submit with them.
step "Maven jars for local Spark"
npx tsx scripts/setup-jars.ts

# nektos/act, the peer the local workflow runner is checked against (test/runner/act-peer.test.ts),
# built once from the Go module proxy into .cache/bin.
step "nektos/act for the runner's peer test"
bash scripts/setup-act.sh

# The dashboard's tests open it in a real headless Chromium (Debian's package).
step "headless Chromium for the dashboard tests"
bash scripts/setup-browser.sh

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

step "workflows and action.yml files (actionlint, zizmor)"
bash scripts/lint-workflows.sh

# infra/pipeline.yaml: cfn-lint with no error or warning, checkov with no failed check (a
# skipped one says why in the template). Both from .venv-lint (requirements-lint.txt).
step "CloudFormation template (cfn-lint, checkov)"
.venv-lint/bin/cfn-lint infra/pipeline.yaml
.venv-lint/bin/checkov --file infra/pipeline.yaml --framework cloudformation --skip-download --quiet --compact

step "typecheck"
npx tsc --noEmit

# Once, outside vitest: a rebuild of every bundle takes minutes on a busy machine and has
# no business under a per-test timeout.
step "dist/ equals a fresh build of src/"
node scripts/check-dist.mjs

step "TypeScript tests (vitest)"
npx vitest run

step "PySpark job tests (pytest)"
.venv/bin/python -m pytest --basetemp "$run_tmp/pytest"

elapsed=$(($(date +%s) - began))
printf '\nnpm test: every check and test passed in %dm %02ds (target: 6 minutes on a fresh clone at load 2; load now: %s)\n' \
  $((elapsed / 60)) $((elapsed % 60)) "$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')"
