#!/usr/bin/env bash
# Runs the whole pipeline locally, the way the daily workflow runs it, on generated sample
# data: a local S3 (moto) stands in for AWS and local Spark (spark-submit from the
# virtualenv) stands in for EMR Serverless. Sets up what is missing first. The runner, and
# the actions it starts, run on the Node of .node-version (scripts/lib/bootstrap.sh).
#   npm run pipeline                       # the default: 3 days from 2026-01-01
#   npm run pipeline -- --start 2026-03-01 --end 2026-03-05 --scale 10
set -euo pipefail
cd "$(dirname "$0")/.."

# The flags first, with Node alone, before anything is installed: --help answers at once
# (the usage on stdout), a flag the pipeline does not know is one line, the usage and exit
# code 2 (scripts/lib/pipeline-flags.mjs needs no package).
usage=$(node scripts/lib/pipeline-flags.mjs "$@")
if [ -n "$usage" ]; then
  printf '%s\n' "$usage"
  exit 0
fi

source scripts/lib/bootstrap.sh
install_node_modules
run_on_project_node "$0" "$@"

# The flags' values (dates, numbers, the lake folder) need tsx: checked now, before the
# virtualenvs and the jars.
npx tsx scripts/check-pipeline-args.ts "$@"
bash scripts/setup-python.sh
if [ -z "${JAVA_HOME:-}" ] && command -v java >/dev/null; then
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  export JAVA_HOME
fi
npx tsx scripts/setup-jars.ts
exec npx tsx scripts/local-pipeline.ts "$@"
