#!/usr/bin/env bash
# Lints every workflow (.github/workflows and examples/.github/workflows) with actionlint,
# and those, every action.yml and .github/dependabot.yml with zizmor (offline, with
# .github/zizmor.yml), so a new file is checked without being listed anywhere. Fails on any actionlint error and on any zizmor
# finding of medium or high severity (low ones are printed, not counted).
#   bash scripts/lint-workflows.sh [folder]   # default: the project; the tests lint fixtures
# Needs bash scripts/setup-python.sh and bash scripts/setup-lint-tools.sh (npm test runs both).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=$(cd "${1:-$root}" && pwd)
actionlint="$root/.cache/bin/actionlint"
zizmor="$root/.venv/bin/zizmor"
for tool in "$actionlint" "$zizmor"; do
  if [ ! -x "$tool" ]; then
    echo "lint-workflows: $tool is missing; run bash scripts/setup-lint-tools.sh and bash scripts/setup-python.sh" >&2
    exit 1
  fi
done

cd "$target"
shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml examples/.github/workflows/*.yml examples/.github/workflows/*.yaml)
actions=()
for file in action.yml */action.yml .github/dependabot.yml; do
  if [ -f "$file" ]; then actions+=("$file"); fi
done
if [ ${#workflows[@]} -eq 0 ]; then
  echo "lint-workflows: no workflow files under $target" >&2
  exit 1
fi

# shellcheck and pyflakes are turned off so the result does not depend on whether a
# machine happens to have them; the run: scripts are short and tested through the runner.
status=0
"$actionlint" -shellcheck= -pyflakes= "${workflows[@]}" || status=1
"$zizmor" --offline --quiet --no-progress --config "$root/.github/zizmor.yml" --min-severity medium \
  "${workflows[@]}" "${actions[@]}" || status=1
if [ $status -eq 0 ]; then
  echo "lint-workflows: ${#workflows[@]} workflows and ${#actions[@]} action.yml/dependabot files: actionlint clean, zizmor 0 high and 0 medium"
fi
exit $status
