#!/usr/bin/env bash
# The one command that sets everything up on a fresh machine and runs every check and test,
# lane by lane, each timed (docs/development.md, "Test lanes"):
#   fast         the in-process tests (`*.test.ts`), with coverage held to its floor
#   checks       lint and format (eslint, prettier, ruff, mypy), copies (jscpd), the workflows (actionlint,
#                zizmor), the CloudFormation template (cfn-lint, checkov), types, dist/
#   integration  moto, the bundles run as the runner runs them, the workflow linters
#                (`*.integration.test.ts`), with coverage held to its floor
#   e2e          real Spark, nektos/act, headless Chromium (`*.e2e.test.ts`), the PySpark jobs
# Each lane sets up what it needs first (npm packages and Node 24 for all; the Python
# virtualenvs, actionlint, the Maven jars, act and Chromium for the lanes that use them).
#   bash scripts/test.sh                         # every lane, in that order (npm test)
#   bash scripts/test.sh fast                    # one lane or more (npm run test:fast)
#   bash scripts/test.sh fast test/local/runner        # some files of one lane, without coverage
set -euo pipefail
cd "$(dirname "$0")/.."

began=${TEST_SH_BEGAN:-$(date +%s)}
export TEST_SH_BEGAN=$began
source scripts/lib/bootstrap.sh
install_node_modules
run_on_project_node scripts/test.sh "$@"

all_lanes=(fast checks integration e2e)
lanes=()
while [ $# -gt 0 ] && [[ " ${all_lanes[*]} " == *" $1 "* ]]; do
  lanes+=("$1")
  shift
done
if [ ${#lanes[@]} -eq 0 ]; then
  if [ $# -gt 0 ]; then
    echo "test.sh: unknown lane '$1' (lanes: ${all_lanes[*]})" >&2
    exit 2
  fi
  lanes=("${all_lanes[@]}")
fi
if [ $# -gt 0 ] && { [ ${#lanes[@]} -ne 1 ] || [ "${lanes[0]}" = checks ]; }; then
  echo "test.sh: test files ($*) go with one test lane: fast, integration or e2e" >&2
  exit 2
fi

step() { printf '\n==> %s (%ss)\n' "$*" "$(($(date +%s) - began))"; }

# Every temporary file of this run (the actions' runner files, the tests' lakes, pytest's
# and Python's temp folders) goes under one folder, removed at the end whatever happens, so
# a run never leaves folders behind in the machine's temp directory.
run_tmp=$(mktemp -d "${TMPDIR:-/tmp}/spark-pipeline-test.XXXXXX")
trap 'rm -rf "$run_tmp"' EXIT
export TMPDIR="$run_tmp"

# Set-up steps, each at most once per run and idempotent across runs.
done_setup=" "
setup() {
  [[ $done_setup == *" $1 "* ]] && return 0
  done_setup+="$1 "
  case $1 in
    python)
      step "Python virtualenvs (moto, PySpark, pytest, ruff, mypy, zizmor; cfn-lint, checkov)"
      bash scripts/setup-python.sh
      ;;
    lint-tools)
      # actionlint, built from source through the Go module proxy into .cache/bin once.
      step "workflow linters (actionlint; zizmor comes with the virtualenv)"
      bash scripts/setup-lint-tools.sh
      ;;
    jars)
      # The jars local Spark needs for s3:// (S3A) and Iceberg, from Maven Central, once
      # into .cache/jars/: the local EMR Serverless tests run spark-submit with them.
      step "Maven jars for local Spark"
      npx tsx scripts/setup-jars.ts
      ;;
    act)
      # nektos/act, the peer the local workflow runner is checked against
      # (test/local/runner/act-peer.e2e.test.ts), built once from the Go module proxy into .cache/bin.
      step "nektos/act for the runner's peer test"
      bash scripts/setup-act.sh
      ;;
    browser)
      # The dashboard's tests open it in a real headless Chromium (Debian's package).
      step "headless Chromium for the dashboard tests"
      bash scripts/setup-browser.sh
      ;;
    java)
      # PySpark needs a JDK; use the machine's when JAVA_HOME is not set.
      if [ -z "${JAVA_HOME:-}" ] && command -v java >/dev/null; then
        JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
        export JAVA_HOME
      fi
      ;;
  esac
}

# vitest_lane <lane> [test files]: the lane's vitest project; the whole lane (fast and
# integration) also measures coverage of src/ and local/src/, printed per folder and held to
# the lane's floor.
vitest_lane() {
  local lane=$1
  shift
  if [ $# -eq 0 ] && [ "$lane" != e2e ]; then
    npx vitest run --project "$lane" --coverage --coverage.reportsDirectory="coverage/$lane"
    node scripts/coverage-floor.mjs "$lane"
    return
  fi
  npx vitest run --project "$lane" "$@"
}

summary=()
for lane in "${lanes[@]}"; do
  lane_began=$(date +%s)
  case $lane in
    fast)
      step "fast lane: in-process tests (vitest project fast) on Node $(node --version)"
      vitest_lane fast "$@"
      ;;
    checks)
      setup python
      setup lint-tools
      step "lint and format (eslint, prettier, ruff, mypy), copies (jscpd)"
      npx eslint .
      npx prettier --check .
      # Repeated code between src/, local/src/, jobs/, scripts/ and bin/ (.jscpd.json).
      npx jscpd
      .venv/bin/ruff check jobs local bench test scripts
      .venv/bin/ruff format --check jobs local bench test scripts
      .venv/bin/mypy
      step "workflows and action.yml files (actionlint, zizmor)"
      bash scripts/lint-workflows.sh
      # infra/pipeline.yaml: cfn-lint with no error or warning, checkov with no failed check
      # (a skipped one says why in the template). Both from .venv-lint (requirements-lint.txt).
      step "CloudFormation template (cfn-lint, checkov)"
      .venv-lint/bin/cfn-lint infra/pipeline.yaml
      .venv-lint/bin/checkov --file infra/pipeline.yaml --framework cloudformation --skip-download --quiet --compact
      step "typecheck"
      npx tsc --noEmit
      # Once, outside vitest: a rebuild of every bundle takes minutes on a busy machine and
      # has no business under a per-test timeout.
      step "dist/ equals a fresh build of src/"
      node scripts/check-dist.mjs
      ;;
    integration)
      setup python
      setup lint-tools
      step "integration lane: moto, bundles, workflow linters (vitest project integration)"
      vitest_lane integration "$@"
      ;;
    e2e)
      setup python
      setup jars
      setup act
      setup browser
      setup java
      step "end-to-end lane: Spark, act, Chromium (vitest project e2e)"
      vitest_lane e2e "$@"
      if [ $# -eq 0 ]; then
        step "PySpark job tests (pytest)"
        .venv/bin/python -m pytest --basetemp "$run_tmp/pytest"
      fi
      ;;
  esac
  lane_seconds=$(($(date +%s) - lane_began))
  summary+=("$(printf '  %-12s %dm %02ds' "$lane" $((lane_seconds / 60)) $((lane_seconds % 60)))")
done

elapsed=$(($(date +%s) - began))
printf '\nlanes (each with its set-up):\n%s\n' "$(printf '%s\n' "${summary[@]}")"
printf 'test.sh: %s passed in %dm %02ds on Node %s (load now: %s)\n' \
  "${lanes[*]}" $((elapsed / 60)) $((elapsed % 60)) "$(node --version)" \
  "$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')"
