#!/usr/bin/env bash
# The release steps that touch git and CHANGELOG.md, shared by scripts/release.sh (a person's
# machine) and .github/workflows/release.yml (GitHub), and tested in a temporary clone
# (test/release). Run from the repository's root:
#   bash scripts/release-tag.sh notes VERSION              # prints CHANGELOG.md's section for VERSION
#   bash scripts/release-tag.sh tag VERSION [REMOTE]       # tags HEAD vVERSION (kept if it is there already)
#   bash scripts/release-tag.sh move-major VERSION [REMOTE] # moves vMAJOR to vVERSION's commit
# With REMOTE the tags are pushed there too (the major tag with --force: it moves by design).
# VERSION is semantic (1.2.0, or 1.2.0-rc.1 for a pre-release, which never moves vMAJOR).
# Every refusal is one line on stderr, before anything is changed.
set -euo pipefail

fail() {
  echo "release: $*" >&2
  exit 1
}

command=${1:-}
version=${2:-}
remote=${3:-}
semver='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$'

case "$command" in
  notes | tag | move-major) ;;
  *) fail "expected a command, notes, tag or move-major, got '${command}'" ;;
esac
version=${version#v}
if ! [[ "$version" =~ $semver ]]; then
  fail "expected a version such as 1.2.0 (or 1.2.0-rc.1), got '${2:-}'"
fi
tag="v$version"
major="v${version%%.*}"

# The lines under `## [VERSION]` (Keep a Changelog) up to the next `## ` heading, without the
# link definitions Keep a Changelog puts at the end and without blank lines around them.
changelog_section() {
  awk -v version="$version" '
    /^## / {
      if (inside) exit
      heading = $0
      sub(/^## +/, "", heading)
      if (index(heading, "[" version "]") == 1 || heading == version || index(heading, version " ") == 1) inside = 1
      next
    }
    inside && /^\[[^]]+\]: / { next }
    inside {
      lines[++count] = $0
      if ($0 ~ /[^[:space:]]/) { if (!first) first = count; last = count }
    }
    END { for (i = first; first && i <= last; i++) print lines[i] }
  ' CHANGELOG.md
}

if [ "$command" = notes ]; then
  [ -f CHANGELOG.md ] || fail "no CHANGELOG.md in $(pwd)"
  notes=$(changelog_section)
  if [ -z "${notes//[[:space:]]/}" ]; then
    fail "CHANGELOG.md has no '## [$version]' section with notes; add it (move the Unreleased lines under it) and commit first"
  fi
  printf '%s\n' "$notes"
  exit 0
fi

head=$(git rev-parse HEAD)

if [ "$command" = tag ]; then
  if existing=$(git rev-parse -q --verify "refs/tags/$tag^{commit}"); then
    if [ "$existing" != "$head" ]; then
      fail "$tag already exists at ${existing:0:12}, not at the commit being released (${head:0:12})"
    fi
    echo "release: $tag is already at ${head:0:12}"
  else
    git tag -a "$tag" -m "$tag"
    echo "release: tagged ${head:0:12} $tag"
  fi
  if [ -n "$remote" ]; then git push --quiet "$remote" "refs/tags/$tag"; fi
  exit 0
fi

# move-major
if [[ "$version" == *-* ]]; then
  echo "release: $tag is a pre-release; $major stays where it is"
  exit 0
fi
target=$(git rev-parse -q --verify "refs/tags/$tag^{commit}") || fail "there is no tag $tag to move $major to; run the tag step first"
git tag -f -a "$major" -m "$major → $tag" "$target" > /dev/null
echo "release: moved $major to $tag (${target:0:12})"
if [ -n "$remote" ]; then git push --quiet --force "$remote" "refs/tags/$major"; fi
