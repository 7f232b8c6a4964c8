#!/usr/bin/env bash
# Creates ./.venv with the pinned Python tooling (moto server, PySpark, pytest, ruff).
# Idempotent: a venv whose recorded requirements hash matches is left alone, so the
# test command can call this on every run at almost no cost.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"
req="$root/requirements-dev.txt"
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$req" | cut -d' ' -f1)

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
  echo "setup-python: Python 3.10 or newer is needed (found: $("$python" --version 2>&1))" >&2
  exit 1
fi
echo "setup-python: installing $(grep -cvE '^\s*(#|$)' "$req") pinned packages into .venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
echo "$want" > "$stamp"
