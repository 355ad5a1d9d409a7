#!/usr/bin/env bash
# Creates .venv and installs fieldsvc (editable) with the pinned dependencies, plus the pinned
# front-end packages from the npm registry. Idempotent; fast when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
extras=${1:-}
python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=.venv/.fieldsvc-installed${extras:+-$extras}
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".${extras:+[$extras]}"
  touch "$stamp"
fi
if [ -f package.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    npm ci --no-audit --no-fund --silent
  fi
  .venv/bin/python -m fieldsvc.maps.assets install
fi
