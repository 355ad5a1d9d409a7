"""The national-size PostGIS benchmark's register builder and the two queries it times, on a
tiny register (the PostGIS pass of the suite builds it in its own schema); and the index that
"bins near a point" uses, on both backends."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import Engine, event, text
from sqlmodel import Session

from bench.postgis_national_bench import coverage_inputs
from bench.postgis_national_register import (
    VILLAGES_PER_SUBDISTRICT,
    NationalSize,
    build_register,
    drop_register,
)
from fieldsvc.models import Bin, Household, Subdistrict, Village
from fieldsvc.models.enums import Condition, Stream
from fieldsvc.storage.frames import bins_frame, households_frame, villages_frame
from fieldsvc.storage.register import bins_near

TINY = NationalSize(subdistricts=3, households=917, bins=20_000, inspections=40_123)
SCHEMA = "national_register_test"


def _count(engine: Engine, sql: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    # Haversine on a 6,371 km sphere, written out here rather than taken from the app.
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def test_national_sizes_scale_every_table() -> None:
    national = NationalSize.at(1.0)
    assert (national.subdistricts, national.villages) == (7_850, 78_500)
    assert (national.households, national.bins, national.inspections) == (
        25_000_000,
        750_000,
        3_000_000,
    )
    one_percent = NationalSize.at(0.01)
    assert (one_percent.subdistricts, one_percent.households, one_percent.bins) == (
        78,
        250_000,
        7_500,
    )


@pytest.mark.postgis
def test_builder_row_counts_and_the_two_queries(engine: Engine, database_url: str) -> None:
    if engine.dialect.name != "postgresql":
        # The register is made by PostgreSQL SQL (generate_series, PostGIS envelopes): on
        # SQLite the builder says so instead of half-building.
        with pytest.raises(ValueError, match="PostgreSQL SQL"):
            build_register(database_url, SCHEMA, TINY)
        return
    with pytest.raises(ValueError, match="plain lower-case identifier"):
        build_register(database_url, "Bad-Name", TINY)
    tiny_register = build_register(database_url, SCHEMA, TINY)
    try:
        _check_tiny_register(tiny_register)
    finally:
        tiny_register.dispose()
        drop_register(database_url, SCHEMA)

    # Interleaved: row n in village n × 7,919 mod 30; the same counts, rows spread out.
    mixed = build_register(database_url, SCHEMA, TINY, layout="interleaved")
    try:
        with Session(mixed) as session:
            for subdistrict_id in (1, 2, 3):
                first, last = (subdistrict_id - 1) * 10, subdistrict_id * 10
                expected_rows = sum(1 for n in range(917) if first <= n * 7_919 % 30 < last)
                got = households_frame(
                    session=session, village_ids=list(range(first + 1, last + 1))
                )
                assert len(got) == expected_rows
                assert sorted(got["household_id"]) == [
                    n + 1 for n in range(917) if first <= n * 7_919 % 30 < last
                ]
    finally:
        mixed.dispose()
        drop_register(database_url, SCHEMA)


def _check_tiny_register(tiny_register: Engine) -> None:
    expected = {
        "subdistrict": 3,
        "village": 30,
        "household": 917,
        "bin": 20_000,
        "inspection": 40_123,
    }
    for table, rows in expected.items():
        assert _count(tiny_register, f"SELECT count(*) FROM {table}") == rows, table
    # Every village got households and bins; the app's indexes are all back.
    assert _count(tiny_register, "SELECT count(DISTINCT village_id) FROM household") == 30
    with tiny_register.connect() as connection:
        names = set(
            connection.execute(
                text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
            ).scalars()
        )
    assert {"ix_bin_lat_lon", "ix_bin_code", "ix_bin_geom", "ix_household_village_id"} <= names
    assert {"ix_household_geom", "ix_inspection_bin_id", "household_ref_key"} <= names

    with Session(tiny_register) as session:
        # One subdistrict's slice: households n (0-based) of 917 fall in village n * 30 // 917.
        for subdistrict_id in (1, 2, 3):
            first, last = (subdistrict_id - 1) * VILLAGES_PER_SUBDISTRICT, subdistrict_id * 10
            households = sum(1 for n in range(917) if first <= n * 30 // 917 < last)
            bins = sum(1 for n in range(20_000) if first <= n * 30 // 20_000 < last)
            villages = villages_frame(session=session, subdistrict_id=subdistrict_id)
            ids = [int(i) for i in villages["village_id"]]
            assert ids == list(range(first + 1, last + 1))
            assert len(households_frame(session=session, village_ids=ids)) == households
            assert len(bins_frame(session=session, village_ids=ids)) == bins
            assert coverage_inputs(session, subdistrict_id) == 10 + households + bins

        # Bins near a point against a brute-force distance over every bin.
        every = session.execute(text("SELECT code, lon, lat FROM bin")).all()
        for lon, lat, radius in ((97.63, 5.72, 150.0), (97.70, 5.75, 300.0), (97.8, 5.71, 200.0)):
            expected_codes = sorted(
                (_metres(lon, lat, b_lon, b_lat), code)
                for code, b_lon, b_lat in every
                if _metres(lon, lat, b_lon, b_lat) <= radius - 0.01
            )
            found = bins_near(session=session, lon=lon, lat=lat, radius_m=radius, limit=10_000)
            got = [b.code for b, _ in found]
            assert set(got) >= {c for _, c in expected_codes}
            assert all(_metres(lon, lat, b.lon, b.lat) <= radius + 0.01 for b, _ in found)
            assert expected_codes, "the points were chosen inside the register"


def _plan(engine: Engine, session: Session) -> str:
    """The plan of the exact statement bins_near sends."""
    sent: list[tuple[str, object]] = []

    def record(_c: object, _cur: object, statement: str, parameters: object, *_: object) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        bins_near(session=session, lon=100.5, lat=13.75, radius_m=50)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    statement, parameters = sent[-1]
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(prefix + statement, parameters).all()  # type: ignore[arg-type]
    return "\n".join(str(r[-1]) for r in rows)


def test_bins_near_a_point_uses_the_lat_lon_index(
    engine: Engine, session: Session, database_url: str
) -> None:
    if engine.dialect.name == "sqlite":
        session.add(
            Bin(
                code="B-1",
                lon=100.5,
                lat=13.75,
                capacity_l=240,
                stream=Stream.general,
                condition=Condition.usable,
            )
        )
        session.commit()
        assert "ix_bin_lat_lon" in _plan(engine, session)
        return
    register = build_register(database_url, SCHEMA, TINY)
    try:
        with Session(register) as register_session:
            plan = _plan(register, register_session)
    finally:
        register.dispose()
        drop_register(database_url, SCHEMA)
    assert "ix_bin_lat_lon" in plan, plan
    assert "Seq Scan" not in plan, plan


def test_households_frame_reads_only_the_given_villages(session: Session) -> None:
    subdistrict = Subdistrict(code="340101", name="ตำบลทดสอบ")
    session.add(subdistrict)
    session.flush()
    one, two = (
        Village(subdistrict_id=subdistrict.id or 0, number=n, name=f"หมู่ {n}") for n in (1, 2)
    )
    session.add_all([one, two])
    session.flush()
    for ref, village in (("h1", one), ("h2", two), ("h3", one), ("h4", None)):
        session.add(
            Household(ref=ref, village_id=village.id if village else None, lon=100.0, lat=14.0)
        )
    session.commit()
    assert list(households_frame(session=session, village_ids=[one.id or 0])["ref"]) == ["h1", "h3"]
    assert list(households_frame(session=session, village_ids=[two.id or 0])["ref"]) == ["h2"]
    assert households_frame(session=session, village_ids=[]).empty
    assert list(households_frame(session=session)["ref"]) == ["h1", "h2", "h3", "h4"]
