"""A seeded synthetic national register built inside PostgreSQL + PostGIS, fast.

Every row is made by the server (``INSERT … SELECT … FROM generate_series``), never as ORM
objects: 25 million households take minutes, not hours. The schema is the real one (the
project's migrations run first); while the big tables fill, their secondary indexes and
unique/foreign-key constraints are set aside and made again afterwards from their own
definitions (as ``pg_restore`` does), so the database ends with exactly the app's indexes.

Layout (one register per PostgreSQL schema, so two sizes can live in one database): the
subdistricts are a grid of 0.075° squares (about 8 × 8 km, the average Thai subdistrict), 100
to a row from 97.6° E, 5.7° N; each holds 10 villages (5 × 2 rectangles with real polygon
boundaries). Households and bins are spread evenly over the villages in id order (a village's
rows are contiguous, as imports make them) at seeded random points inside their village;
inspections go round the bins in time order through one year. A smaller scale keeps the
density per subdistrict and has fewer subdistricts, so the same query returns as many rows at
any scale and only the size of the tables changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection, make_url
from sqlmodel import create_engine

from fieldsvc.storage.migrate import upgrade_database

#: The national figures from issue 16.
NATIONAL_SUBDISTRICTS = 7_850
NATIONAL_HOUSEHOLDS = 25_000_000
NATIONAL_BINS = 750_000
NATIONAL_INSPECTIONS_PER_YEAR = 3_000_000
VILLAGES_PER_SUBDISTRICT = 10

GRID_COLUMNS = 100
SUBDISTRICT_DEG = 0.075
ORIGIN_LON, ORIGIN_LAT = 97.6, 5.7
VILLAGE_COLUMNS, VILLAGE_ROWS = 5, 2
SEED = 0.16  # setseed() takes -1..1

BIG_TABLES = ("household", "bin", "inspection")


@dataclass(frozen=True)
class NationalSize:
    """How many of each row a synthetic register has."""

    subdistricts: int
    households: int
    bins: int
    inspections: int

    @property
    def villages(self) -> int:
        return self.subdistricts * VILLAGES_PER_SUBDISTRICT

    @classmethod
    def at(cls, scale: float) -> NationalSize:
        """The national register times ``scale`` (1.0 = 7,850 subdistricts, 25 M households)."""
        return cls(
            subdistricts=max(1, round(NATIONAL_SUBDISTRICTS * scale)),
            households=round(NATIONAL_HOUSEHOLDS * scale),
            bins=round(NATIONAL_BINS * scale),
            inspections=round(NATIONAL_INSPECTIONS_PER_YEAR * scale),
        )


def village_index_of(row: int, *, rows: int, villages: int) -> int:
    """The 0-based village of the 0-based ``row`` of ``rows`` spread evenly over ``villages``
    (the same integer formula the SQL uses)."""
    return row * villages // rows


def register_engine(url: str, schema: str) -> Engine:
    """An engine whose unqualified table names resolve in ``schema`` (PostGIS stays in public)."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
        raise ValueError(f"schema name must be a plain lower-case identifier, got {schema!r}")
    if make_url(url).get_backend_name() != "postgresql":
        raise ValueError("the national register is built with PostgreSQL SQL; give a PostGIS URL")
    return create_engine(
        url, connect_args={"options": f"-c search_path={schema},public"}, pool_pre_ping=True
    )


def build_register(
    url: str, schema: str, size: NationalSize, *, layout: str = "contiguous"
) -> Engine:
    """(Re)create ``schema`` in the database at ``url``, migrate it and fill it; returns an
    engine bound to it. Ends with ANALYZE, so plans are those of a loaded database.
    ``layout``: see ``LAYOUTS`` (households and bins)."""
    village = LAYOUTS[layout]
    if layout == "interleaved" and size.villages % INTERLEAVE_STEP == 0:
        raise ValueError(
            f"interleaved needs a number of villages not divisible by {INTERLEAVE_STEP}"
        )
    engine = register_engine(url, schema)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
        # Alembic looks for its version table by visibility on the search path: without one
        # here it would find public's (in a database the app already uses), think the schema
        # is migrated, and every table name below would resolve to public.
        connection.execute(
            text(
                f"CREATE TABLE {schema}.alembic_version (version_num VARCHAR(32) NOT NULL, "
                "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
            )
        )
    upgrade_database(engine)
    with engine.connect() as connection:
        for table in ("subdistrict", "village", *BIG_TABLES):
            found = connection.execute(text(f"SELECT to_regclass('{schema}.{table}')")).scalar()
            if found is None:
                raise RuntimeError(f"the migrations did not create {schema}.{table}")
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        connection.execute(text("SET LOCAL synchronous_commit = off"))
        connection.execute(text("SELECT setseed(:seed)"), {"seed": SEED})
        _fill_places(connection, size)
        with _indexes_set_aside(connection, BIG_TABLES):
            _fill_bins(connection, size, village)
            _fill_households(connection, size, village)
            _fill_inspections(connection, size)
        for table in ("subdistrict", "village", *BIG_TABLES):
            # Explicit ids were given: the next row the app adds must not collide.
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
            )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    return engine


def drop_register(url: str, schema: str) -> None:
    engine = register_engine(url, schema)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


def _fill_places(connection: Connection, size: NationalSize) -> None:
    connection.execute(
        text(
            """
            INSERT INTO subdistrict (id, code, name, name_en, district, province, boundary)
            SELECT s + 1, (100000 + s)::text, 'ตำบลสังเคราะห์ ' || s, 'Synthetic ' || s,
                   'อำเภอ ' || (s / 10), 'จังหวัด ' || (s / 102),
                   ST_Multi(ST_MakeEnvelope(x, y, x + :d, y + :d, 4326))
            FROM generate_series(0, :n - 1) AS s,
                 LATERAL (SELECT :lon0 + (s % :cols) * :d AS x,
                                 :lat0 + (s / :cols) * :d AS y) AS corner
            """
        ),
        {
            "n": size.subdistricts,
            "cols": GRID_COLUMNS,
            "d": SUBDISTRICT_DEG,
            "lon0": ORIGIN_LON,
            "lat0": ORIGIN_LAT,
        },
    )
    connection.execute(
        text(
            """
            INSERT INTO village (id, subdistrict_id, number, name, code, households, population,
                                 boundary, boundary_source)
            SELECT s * :per + j + 1, s + 1, j + 1, 'หมู่ ' || (j + 1),
                   (10000000 + s * 100 + j + 1)::text, NULL, NULL,
                   ST_Multi(ST_MakeEnvelope(x, y, x + :dx, y + :dy, 4326)), 'imported'
            FROM generate_series(0, :n - 1) AS s, generate_series(0, :per - 1) AS j,
                 LATERAL (SELECT :lon0 + (s % :cols) * :d + (j % :vcols) * :dx AS x,
                                 :lat0 + (s / :cols) * :d + (j / :vcols) * :dy AS y) AS corner
            """
        ),
        {
            "n": size.subdistricts,
            "per": VILLAGES_PER_SUBDISTRICT,
            "cols": GRID_COLUMNS,
            "vcols": VILLAGE_COLUMNS,
            "d": SUBDISTRICT_DEG,
            "dx": SUBDISTRICT_DEG / VILLAGE_COLUMNS,
            "dy": SUBDISTRICT_DEG / VILLAGE_ROWS,
            "lon0": ORIGIN_LON,
            "lat0": ORIGIN_LAT,
        },
    )


#: Where a village's rows lie in the table: together ("contiguous", as an import writes them),
#: or dealt round all villages one row each in a scrambled order ("interleaved": row n goes to
#: village n × 7,919 mod villages, so neighbouring rows belong to far-apart subdistricts — the
#: worst case of surveys from the whole country arriving mixed over the years, every row of a
#: subdistrict on a page of its own). 7,919 is prime, so each village still gets every
#: villages-th row (the same counts as contiguous) unless the number of villages is a multiple.
INTERLEAVE_STEP = 7_919
LAYOUTS = {
    "contiguous": "n::bigint * :villages / :rows",
    "interleaved": f"(n::bigint * {INTERLEAVE_STEP}) % :villages",
}

# A 0-based row ``n`` of ``:rows`` lies in village ``v`` (``LAYOUTS``); its point is uniform
# inside that village's rectangle (the same corner formula as above).
_POINT_IN_VILLAGE = """
    LATERAL (SELECT {village} AS v) AS vi,
    LATERAL (SELECT :lon0 + ((v / :per) % :cols) * :d + ((v % :per) % :vcols) * :dx
                        + random() * :dx AS lon,
                    :lat0 + ((v / :per) / :cols) * :d + ((v % :per) / :vcols) * :dy
                        + random() * :dy AS lat) AS p
"""


def _point_params(size: NationalSize, rows: int) -> dict[str, float | int]:
    return {
        "rows": rows,
        "villages": size.villages,
        "per": VILLAGES_PER_SUBDISTRICT,
        "cols": GRID_COLUMNS,
        "vcols": VILLAGE_COLUMNS,
        "d": SUBDISTRICT_DEG,
        "dx": SUBDISTRICT_DEG / VILLAGE_COLUMNS,
        "dy": SUBDISTRICT_DEG / VILLAGE_ROWS,
        "lon0": ORIGIN_LON,
        "lat0": ORIGIN_LAT,
    }


def _fill_bins(connection: Connection, size: NationalSize, village: str) -> None:
    if not size.bins:
        return
    connection.execute(
        text(
            f"""
            INSERT INTO bin (id, code, lon, lat, capacity_l, stream, condition,
                             households_served, installed_on, village_id, last_inspected_at,
                             created_at, updated_at, entity_id, entity_version)
            SELECT n + 1, 'BIN-' || lpad(n::text, 7, '0'), p.lon, p.lat,
                   (ARRAY[120, 240, 660])[1 + n % 3],
                   (ARRAY['general', 'organic', 'recyclable', 'hazardous'])[1 + n % 4],
                   CASE WHEN n % 10 = 0 THEN 'damaged' ELSE 'usable' END,
                   10 + n % 20, DATE '2024-01-01' + (n % 700), v + 1,
                   TIMESTAMPTZ '2026-01-01 00:00+00' + (n % 365) * INTERVAL '1 day',
                   TIMESTAMPTZ '2024-01-01 00:00+00', TIMESTAMPTZ '2026-01-01 00:00+00',
                   md5('bin' || n)::uuid::text, 1
            FROM generate_series(0, :rows - 1) AS n, {_POINT_IN_VILLAGE.format(village=village)}
            """
        ),
        _point_params(size, size.bins),
    )


def _fill_households(connection: Connection, size: NationalSize, village: str) -> None:
    if not size.households:
        return
    connection.execute(
        text(
            f"""
            INSERT INTO household (id, ref, village_id, lon, lat, persons, house_no, source,
                                   weight)
            SELECT n + 1, 'HH-' || n, v + 1, p.lon, p.lat, 1 + n % 6, NULL, 'survey', 1
            FROM generate_series(0, :rows - 1) AS n, {_POINT_IN_VILLAGE.format(village=village)}
            """
        ),
        _point_params(size, size.households),
    )


def _fill_inspections(connection: Connection, size: NationalSize) -> None:
    if not size.inspections or not size.bins:
        return
    connection.execute(
        text(
            """
            INSERT INTO inspection (id, bin_id, submission_id, source, observed_at, recorded_at,
                                    condition, capacity_l, stream)
            SELECT n + 1, 1 + n % :bins, NULL, 'survey', t, t,
                   CASE WHEN n % 7 = 0 THEN 'overflowing' ELSE 'usable' END, NULL, NULL
            FROM generate_series(0, :rows - 1) AS n,
                 LATERAL (SELECT TIMESTAMPTZ '2026-01-01 00:00+00'
                                 + n * (INTERVAL '365 days' / :rows) AS t) AS at
            """
        ),
        {"rows": size.inspections, "bins": size.bins},
    )


@contextmanager
def _indexes_set_aside(connection: Connection, tables: tuple[str, ...]) -> Iterator[None]:
    """Drop the tables' secondary indexes and unique/foreign-key constraints, and make them
    again from their saved definitions on the way out (one sorted build instead of millions of
    index inserts and foreign-key look-ups)."""
    constraints: list[tuple[str, str, str]] = []
    indexes: list[tuple[str, str]] = []
    for table in tables:
        constraints += [
            (table, name, definition)
            for name, definition in connection.execute(
                text(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = CAST(:t AS regclass) AND contype IN ('u', 'f')"
                ),
                {"t": table},
            )
        ]
        indexes += [
            (name, definition)
            for name, definition in connection.execute(
                text(
                    "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid "
                    "WHERE x.indrelid = CAST(:t AS regclass) AND NOT x.indisprimary "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                    "                WHERE c.conindid = x.indexrelid)"
                ),
                {"t": table},
            )
        ]
    for table, name, _ in constraints:
        connection.execute(text(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"'))
    for name, _ in indexes:
        connection.execute(text(f'DROP INDEX "{name}"'))
    yield
    for _, definition in indexes:
        connection.execute(text(definition))
    for table, name, definition in constraints:
        connection.execute(text(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'))
