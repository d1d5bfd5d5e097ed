#!/usr/bin/env bash
# Install what the browser tests (tests/test_browser.py) need when it is missing: Debian's chromium and a
# Chinese font (without one the page's Chinese text renders as boxes in screenshots). Idempotent.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install_browser.sh: missing ${missing[*]}; installing needs root (apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
echo "install_browser.sh: installed ${missing[*]}"
