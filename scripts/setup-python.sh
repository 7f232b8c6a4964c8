#!/usr/bin/env bash
# Creates ./.venv with the pinned Python tooling (moto server, PySpark, pytest, ruff) and
# ./.venv-lint with the linters whose dependencies conflict with it (requirements-lint.txt).
# Idempotent: a venv whose recorded requirements hash matches is left alone, so the
# test command can call this on every run at almost no cost.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
  echo "setup-python: Python 3.10 or newer is needed (found: $("$python" --version 2>&1))" >&2
  exit 1
fi

# install_venv <folder> <requirements file>: (re)creates the venv when the file's sha256
# differs from the one recorded at its last install.
install_venv() {
  local venv="$root/$1" req="$root/$2"
  local stamp="$venv/.requirements.sha256" want
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  echo "setup-python: installing $(grep -cvE '^\s*(#|$)' "$req") pinned packages into $1"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
  echo "$want" > "$stamp"
}

install_venv .venv requirements-dev.txt
# cfn-lint, checkov and the AWS CLI: checkov's pins conflict with moto's boto3.
install_venv .venv-lint requirements-lint.txt
