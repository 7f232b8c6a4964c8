#!/usr/bin/env bash
# Tags a release and moves its major tag, so users of `@v1` get it:
#   bash scripts/release.sh 1.2.0
# Refuses a dirty tree or a dist/ that differs from a fresh build of src/.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-}
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "release: expected a version such as 1.2.0, got '${version}'" >&2
  exit 1
fi
if [ -n "$(git status --porcelain)" ]; then
  echo "release: the work tree has uncommitted changes; commit or stash them first" >&2
  exit 1
fi
npm run -s bundle
if [ -n "$(git status --porcelain -- dist)" ]; then
  echo "release: dist/ is stale; commit the rebuilt dist/ first" >&2
  exit 1
fi
if ! grep -q "^## \[$version\]" CHANGELOG.md; then
  echo "release: CHANGELOG.md has no '## [$version]' heading" >&2
  exit 1
fi
major="v${version%%.*}"
git tag -a "v$version" -m "v$version"
git tag -fa "$major" -m "$major → v$version"
echo "tagged v$version and moved $major; push with: git push origin v$version && git push -f origin $major"
