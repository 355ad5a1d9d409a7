#!/usr/bin/env bash
# The whole test run: system packages, Python and front-end packages, lint and types, then the
# test suite on SQLite and again on PostgreSQL + PostGIS. `make test` and .ci/run call this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
bash scripts/setup-python.sh test

export PYTHAINLP_OFFLINE=1 PYTHAINLP_DATA="$PWD/.venv/pythainlp-data"
echo "== lint and types"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy fieldsvc
.venv/bin/lint-imports --no-cache
echo "== phone form unit tests (Node's built-in runner)" && node --test tests/js/

echo "== tests on SQLite (the embedded default), two processes (each test has its own database file)"
.venv/bin/pytest -q -p no:cacheprovider -n 2 "$@"

echo "== tests on PostgreSQL + PostGIS, two processes (each has its own database: <name>_gw0, _gw1)"
for worker in gw0 gw1; do
  worker_url=$(bash scripts/start-postgis.sh "fieldsvc_test_$worker" | tail -n 1)
  case "$worker_url" in
    postgresql+psycopg://*) ;;
    *) echo "start-postgis.sh did not print a database URL (got: $worker_url)" >&2; exit 1 ;;
  esac
done
url=${worker_url%_gw1}  # the workers' common stem; tests/conftest.py appends _gw0 / _gw1
FIELDSVC_TEST_DATABASE_URL="$url" .venv/bin/pytest -q -p no:cacheprovider -n 2 "$@"
