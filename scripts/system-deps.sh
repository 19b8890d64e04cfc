#!/usr/bin/env bash
# Install the system packages the build and tests need, when they are missing.
#   scripts/system-deps.sh fonts     Japanese font for text in server-side chart images (IPAex Gothic: a
#                                    TrueType font, which vl-convert lays out about twice as fast as the
#                                    CFF-based Noto CJK)
#   scripts/system-deps.sh browser   the above, plus Debian's Chromium for the browser tests
# Installs only when running as root with apt-get; otherwise says what is missing.
set -euo pipefail
want=(fonts-ipaexfont-gothic)
[ "${1:-fonts}" = browser ] && want+=(chromium)
# The Nu HTML checker (npm vnu-jar) runs on the machine's Java; without one its installer would download a JRE.
[ "${1:-fonts}" = browser ] && ! command -v java >/dev/null && want+=(default-jre-headless)
missing=()
for package in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "warning: missing system packages: ${missing[*]} (install them with: sudo apt-get install ${missing[*]})" >&2
  [ "${1:-fonts}" = browser ] && exit 1
fi
exit 0
