#!/usr/bin/env bash
# Releases from a person's machine what .github/workflows/release.yml releases on GitHub:
#   bash scripts/release.sh 1.2.0
# Refuses a dirty tree, a dist/ that differs from a fresh build of src/, or a CHANGELOG.md
# without a '## [1.2.0]' section; then tags HEAD v1.2.0. Pushing the tag starts the release
# workflow, which runs the tests, publishes the release and moves v1.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-}
# Checks the version and the CHANGELOG section before anything is built or tagged.
bash scripts/release-tag.sh notes "$version" > /dev/null
if [ -n "$(git status --porcelain)" ]; then
  echo "release: the work tree has uncommitted changes; commit or stash them first" >&2
  exit 1
fi
node scripts/check-dist.mjs
bash scripts/release-tag.sh tag "$version"
version=${version#v}
echo "push with: git push origin v$version (the release workflow publishes it and moves v${version%%.*})"
