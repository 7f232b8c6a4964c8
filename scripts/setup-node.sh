#!/usr/bin/env bash
# Prints the folder of the `node` that the tests, the bundles they run and the local pipeline
# run on: Node of the major in .node-version, the runtime every action.yml names (node24).
# The machine's own node when it is that major, used as is; otherwise the npm registry's
# per-platform Node package (node-<os>-<cpu>: the binary alone, 53 MB), fetched once with
# `npm pack`, checked against the sha512 pinned below and unpacked into .cache/node.
# Runs on the machine's Node and npm (Node 20 or newer: package.json's engines).
#   PATH="$(bash scripts/setup-node.sh):$PATH" npx vitest run test/local/runner
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

# The release fetched when the machine has another major; a test checks it against .node-version.
version=24.22.3
# The registry's integrity of each platform's package of that release; a platform not listed
# has no package of it in the registry: install Node yourself there.
declare -A integrity=(
  [linux-x64]=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
  [linux-arm64]=sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==
)

major=$(tr -d '[:space:]' < "$root/.node-version")
if [[ ! $major =~ ^[0-9]+$ ]] || [ "${version%%.*}" != "$major" ]; then
  echo "setup-node: .node-version says '$major'; expected the major of $version, the release scripts/setup-node.sh fetches" >&2
  exit 1
fi
if ! command -v node >/dev/null; then
  echo "setup-node: no node on PATH; install Node 20 or newer (Node $major is then fetched for the tests)" >&2
  exit 1
fi
if [ "$(node -p 'process.versions.node.split(".")[0]')" = "$major" ]; then
  dirname "$(command -v node)"
  exit 0
fi

platform=$(node -p 'process.platform + "-" + process.arch')
home="$root/.cache/node/v$version-$platform"
if [ -x "$home/bin/node" ]; then
  echo "$home/bin"
  exit 0
fi
want=${integrity[$platform]:-}
if [ -z "$want" ]; then
  echo "setup-node: the npm registry has no node-$platform $version; install Node $major (it is then used as is)" >&2
  exit 1
fi

mkdir -p "$root/.cache/node"
# Fetched and checked beside its final place, then moved there in one rename: a run that
# stops half-way, or two runs at once, never leave a half-unpacked Node behind.
staging=$(mktemp -d "$root/.cache/node/.fetch.XXXXXX")
trap 'rm -rf "$staging"' EXIT
echo "setup-node: fetching Node $version (node-$platform, 53 MB) from the npm registry into .cache/node" >&2
(cd "$staging" && npm pack "node-$platform@$version" --pack-destination "$staging" --silent > /dev/null)
tarball="$staging/node-$platform-$version.tgz"
got=$(node -e 'const { createHash } = require("node:crypto")
const hash = createHash("sha512").update(require("node:fs").readFileSync(process.argv[1]))
console.log(`sha512-${hash.digest("base64")}`)' "$tarball")
if [ "$got" != "$want" ]; then
  echo "setup-node: node-$platform-$version.tgz has integrity $got, expected $want" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$staging" package/bin/node package/LICENSE
if [ "$("$staging/package/bin/node" --version)" != "v$version" ]; then
  echo "setup-node: the unpacked node-$platform-$version does not run as Node $version" >&2
  exit 1
fi
if ! mv -T "$staging/package" "$home" 2>/dev/null && [ ! -x "$home/bin/node" ]; then
  echo "setup-node: could not move Node $version into $home" >&2
  exit 1
fi
echo "setup-node: Node $version in .cache/node/v$version-$platform" >&2
echo "$home/bin"
