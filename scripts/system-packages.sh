#!/usr/bin/env bash
# Install the Debian packages the course needs, where we can: running as root on a machine with apt.
#   bubblewrap  - the grading sandbox (course grade)
#   chromium    - headless browser tests of JupyterLab and of the reports (with an emoji font)
#   postgresql  - the shared gradebook tests (course grade --db-url postgresql://...)
#   node-configurable-http-proxy - JupyterHub's proxy (course hub, the cohort tests)
# Elsewhere (macOS, no root) it says what is missing and carries on: the tests that need a missing
# package skip with the reason (and fail under CI=true).
set -uo pipefail
wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(bubblewrap chromium fonts-noto-color-emoji postgresql node-configurable-http-proxy)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    echo "warning: apt-get could not install ${missing[*]}; the tests that need them will skip" >&2
  fi
else
  echo "note: not installing ${missing[*]} (needs root and apt-get); the tests that need them will skip" >&2
fi
exit 0
