#!/usr/bin/env bash
# Builds nektos/act, the peer that test/local/runner/act-peer.e2e.test.ts checks the local workflow runner
# against, from the Go module proxy into .cache/bin/act. Everything Go writes (module cache,
# build cache) goes to .cache/go, never the machine's home folder, and is removed when the
# build ends (about 800 MB, of which only the 30 MB binary is needed).
# Idempotent: an act of the pinned version already built is left alone (a fraction of a second).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=0.2.89
act="$root/.cache/bin/act"

if [ -x "$act" ] && [ "$("$act" --version 2>/dev/null)" = "act version $version" ]; then
  exit 0
fi

if ! command -v go >/dev/null; then
  echo "setup-act: the go command is needed to build nektos/act $version (Go 1.25 or newer)" >&2
  exit 1
fi
echo "setup-act: building nektos/act v$version once into .cache/bin (a few minutes)"
go_home="$root/.cache/go"
trap 'rm -rf "$go_home"' EXIT
export GOPATH="$go_home"
export GOMODCACHE="$go_home/pkg/mod"
export GOCACHE="$go_home/build"
export GOBIN="$root/.cache/bin"
# The machine's own Go: never fetch another toolchain behind our back.
export GOTOOLCHAIN=local
# A module cache that rm -rf can remove.
export GOFLAGS=-modcacherw
# Go's per-module download lines only on failure: one line above says what is happening.
mkdir -p "$go_home"
if ! go install "github.com/nektos/act@v$version" 2>"$go_home/install.log"; then
  cat "$go_home/install.log" >&2
  echo "setup-act: go install github.com/nektos/act@v$version failed" >&2
  exit 1
fi
echo "setup-act: $("$act" --version) in .cache/bin/act"
