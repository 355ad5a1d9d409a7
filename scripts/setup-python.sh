#!/usr/bin/env bash
# Creates .venv and installs fieldsvc (editable) with the pinned dependencies, plus the pinned
# front-end packages from the npm registry, then copies the package's resources in.
# Idempotent; fast when nothing changed.
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
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund --silent
fi
# The web form, XForms, sample geodata and vendored npm files, copied into fieldsvc/resources/
# (the wheel build runs the same step). Cheap, so always: an edited source is never served stale.
.venv/bin/python -m fieldsvc.resources sync
rm -rf fieldsvc/maps/static/vendor  # where older set-ups put the npm files
