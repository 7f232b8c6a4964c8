#!/usr/bin/env bash
# Runs the whole pipeline locally, the way the daily workflow runs it, on generated sample
# data: a local S3 (moto) stands in for AWS and local Spark (spark-submit from the
# virtualenv) stands in for EMR Serverless. Sets up what is missing first.
#   npm run pipeline                       # the default: 3 days from 2026-01-01
#   npm run pipeline -- --start 2026-03-01 --end 2026-03-05 --scale 10
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.lock.sha256 ] || [ "$(sha256sum package-lock.json | cut -d' ' -f1)" != "$(cat node_modules/.lock.sha256)" ]; then
  npm ci --no-audit --no-fund
  sha256sum package-lock.json | cut -d' ' -f1 > node_modules/.lock.sha256
fi
bash scripts/setup-python.sh
if [ -z "${JAVA_HOME:-}" ] && command -v java >/dev/null; then
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  export JAVA_HOME
fi
npx tsx scripts/setup-jars.ts
exec npx tsx scripts/local-pipeline.ts "$@"
