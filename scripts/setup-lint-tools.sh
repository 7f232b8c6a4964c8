#!/usr/bin/env bash
# Installs the pinned workflow linters that are not Python packages: actionlint, built from
# source through the Go module proxy into .cache/bin (no prebuilt binary is downloaded).
# zizmor comes from PyPI with requirements-dev.txt (scripts/setup-python.sh). Idempotent:
# an installed binary of the pinned version is left alone.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
actionlint_version=v1.7.12
bin="$root/.cache/bin"

if [ -x "$bin/actionlint" ] && [ "$("$bin/actionlint" -version | head -1)" = "$actionlint_version" ]; then
  exit 0
fi
if ! command -v go >/dev/null; then
  echo "setup-lint-tools: Go is needed to build actionlint $actionlint_version (go install); install Go 1.24 or newer" >&2
  exit 1
fi
echo "setup-lint-tools: building actionlint $actionlint_version into .cache/bin"
mkdir -p "$bin"
GOBIN="$bin" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$actionlint_version"
