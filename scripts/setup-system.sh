#!/usr/bin/env bash
# Installs the Debian packages fieldsvc's full test suite needs: PostgreSQL + PostGIS for the
# installed server version, Chromium for browser tests, Thai fonts for pages and PDFs, poppler to
# render PDFs to images, Java for ODK Validate, Caddy and the NSS tools (certutil) for the
# real-TLS test, and GDAL's command-line tools (ogrinfo, ogr2ogr), a real OGC API – Features
# client. Idempotent; does nothing when all are present.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "setup-system: not root and no sudo; install the packages listed in README by hand" >&2
    exit 1
  fi
fi

pg_version() {
  # The server version of the installed PostgreSQL (e.g. 15), from Debian's layout.
  ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1
}

want=(chromium fonts-thai-tlwg poppler-utils default-jre-headless nodejs npm postgresql caddy libnss3-tools gdal-bin)
ver=$(pg_version)
[ -n "$ver" ] && want+=("postgresql-${ver}-postgis-3")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm/java may come from elsewhere than Debian: only ask apt when the command is absent.
command -v node >/dev/null && command -v npm >/dev/null && \
  missing=("${missing[@]/nodejs}") && missing=("${missing[@]/npm}")
command -v java >/dev/null && missing=("${missing[@]/default-jre-headless}")
read -r -a missing <<<"${missing[*]}"

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup-system: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# PostGIS must match the server version, which may only be known after postgresql is installed.
ver=$(pg_version)
if ! dpkg-query -W -f='${Status}' "postgresql-${ver}-postgis-3" 2>/dev/null | grep -q "ok installed"; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
    "postgresql-${ver}-postgis-3"
fi
echo "setup-system: ok (PostgreSQL ${ver} + PostGIS, Chromium, Thai fonts, poppler, Caddy, NSS tools, GDAL)"
