#!/usr/bin/env bash
# The headless browser the dashboard's tests, its benchmark and its screenshot script drive:
# Debian's `chromium` package, driven by Playwright's library (playwright-core, which never
# downloads a browser of its own). Installs it when missing where this runs as root (CI, the
# dev machine); anywhere else it stops with the one command to run.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 || [ -x /usr/lib/chromium/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup-browser: installing Debian's chromium (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
  exit 0
fi
echo "setup-browser: the dashboard's browser tests need Chromium; run: sudo apt-get install -y chromium" >&2
exit 1
