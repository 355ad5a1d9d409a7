#!/usr/bin/env bash
# Starts the local PostgreSQL cluster, creates the test role and database with PostGIS, and
# prints the SQLAlchemy URL on stdout. Idempotent.
set -euo pipefail
# Everything but the URL goes to stderr: callers capture stdout (pg_ctlcluster, for one, prints
# "Removed stale pid file." on stdout after an unclean shutdown).
exec 3>&1 1>&2  # fd 3 = the caller's stdout; closed for the server so $(...) does not wait on it
db=${1:-fieldsvc_test}
ver=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

if ! pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main"' | grep -q .; then
  as_postgres true || true
  if [ "$(id -u)" = 0 ]; then pg_createcluster "$ver" main 3>&-; else sudo pg_createcluster "$ver" main 3>&-; fi
fi
if ! pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $4}' | grep -q online; then
  if [ "$(id -u)" = 0 ]; then pg_ctlcluster "$ver" main start 3>&-; else sudo pg_ctlcluster "$ver" main start 3>&-; fi
fi
port=$(pg_lsclusters -h | awk -v v="$ver" '$1==v && $2=="main" {print $3}')
for _ in $(seq 1 30); do as_postgres pg_isready -q -p "$port" && break; sleep 1; done

as_postgres psql -q -p "$port" -v ON_ERROR_STOP=1 -d postgres >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fieldsvc') THEN
    CREATE ROLE fieldsvc LOGIN PASSWORD 'fieldsvc';
  END IF;
END \$\$;
SQL
if ! as_postgres psql -p "$port" -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1; then
  as_postgres createdb -p "$port" -O fieldsvc "$db"
fi
as_postgres env PGOPTIONS=--client-min-messages=warning psql -q -p "$port" -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
echo "postgresql+psycopg://fieldsvc:fieldsvc@127.0.0.1:${port}/${db}" >&3
