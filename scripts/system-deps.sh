#!/usr/bin/env bash
# Debian packages some tests drive for real: nginx (the gateway test), chromium (the dashboard
# and workbench tests) with a CJK font (the workbench's screenshots), and node + npm (which build
# the seller workbench). Installs what is missing when it can (root and apt-get); otherwise says what is missing,
# and those tests skip outside CI (in CI they fail instead).
set -uo pipefail
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -n "$(fc-list :lang=zh 2>/dev/null)" ] || missing+=(fonts-noto-cjk)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    && exit 0
  echo "could not install ${missing[*]}" >&2
else
  echo "missing Debian packages (install them to run every test): ${missing[*]}" >&2
fi
[ "${CI:-}" = "true" ] && exit 1
exit 0
