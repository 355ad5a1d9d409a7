"""Migration 0020 gives the rows already here their subdistrict: from their village, a work
order from its bin, and a row without either the install's only subdistrict (none when there
are several); plan versions are then unique per subdistrict.

Runs on the suite's backend: a file of its own on SQLite, a schema of its own on PostGIS.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

import fieldsvc.models  # noqa: F401  (every table registered on SQLModel.metadata)
from fieldsvc.models.types import UTCDateTime
from fieldsvc.storage.engine import make_engine
from fieldsvc.storage.migrate import current_revision, upgrade_database

T0 = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)


@pytest.fixture
def fresh(engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of the suite's backend, before any migration."""
    if engine.dialect.name != "postgresql":
        own = make_engine(f"sqlite:///{tmp_path / 'before_0020.db'}")
        yield own
        own.dispose()
        return
    schema = f"mig0020_{uuid.uuid4().hex[:8]}"
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
        # Alembic finds its version table through the search path: an empty one here, first
        # in the path, so the suite's own (public, at head) is not taken for this database's.
        connection.execute(
            text(f"CREATE TABLE {schema}.alembic_version (version_num varchar(32) PRIMARY KEY)")
        )
    own = create_engine(
        engine.url.render_as_string(hide_password=False),
        connect_args={"options": f"-csearch_path={schema},public"},
    )
    try:
        yield own
    finally:
        own.dispose()
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


class Rows:
    """Inserts rows as they were at 0019: every required column filled, as raw SQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.serial = 0

    def _filler(self, column: Any) -> Any:
        self.serial += 1
        if isinstance(column.type, UTCDateTime):
            return T0
        try:
            kind = column.type.python_type
        except NotImplementedError:
            return f"x{self.serial}"
        if kind is bool:
            return False
        if kind is int:
            return 1
        if kind is float:
            return 1.0
        if kind is datetime:
            return T0
        if kind is date:
            return date(2026, 3, 1)
        if kind in (dict, list):
            return json.dumps(kind())
        return f"x{self.serial}"

    def add(self, table_name: str, /, **given: Any) -> int:
        name = table_name
        table = SQLModel.metadata.tables[name]
        values: dict[str, Any] = {}
        for column in table.columns:
            if column.name in given:
                value = given[column.name]
                values[column.name] = json.dumps(value) if isinstance(value, list | dict) else value
            elif column.name == "subdistrict_id" or column.primary_key:
                continue
            elif not column.nullable and column.server_default is None:
                values[column.name] = self._filler(column)
        names = ", ".join(values)
        marks = [f":{key}" for key in values]
        with self.engine.begin() as connection:
            connection.execute(
                text(f"INSERT INTO {name} ({names}) VALUES ({', '.join(marks)})"), values
            )
            return int(connection.execute(text(f"SELECT MAX(id) FROM {name}")).scalar_one())


def _subdistrict_of(engine: Engine, table: str, row_id: int) -> int | None:
    with engine.connect() as connection:
        found = connection.execute(
            text(f"SELECT subdistrict_id FROM {table} WHERE id = :id"), {"id": row_id}
        ).scalar_one()
    return None if found is None else int(found)


def _world(rows: Rows, subdistricts: list[int]) -> dict[str, dict[str, int]]:
    """In the first subdistrict's village and without one: a row of every table that gets a
    subdistrict; a work order without a village whose bin is in the LAST subdistrict's
    village; two plans."""
    villages = [
        rows.add("village", subdistrict_id=s, number=1, name=f"บ้าน{s}") for s in subdistricts
    ]
    first, last = villages[0], villages[-1]
    made: dict[str, dict[str, int]] = {}
    made["bin"] = {
        "village": rows.add("bin", code="B-1", village_id=first, lon=103.3, lat=16.3),
        "none": rows.add("bin", code="B-2", lon=103.3, lat=16.3),
        "last": rows.add("bin", code="B-3", village_id=last, lon=103.3, lat=16.3),
    }
    made["submission"] = {
        "village": rows.add("submission", instance_id="uuid:1", village_id=first),
        "none": rows.add("submission", instance_id="uuid:2"),
    }
    made["citizen_report"] = {
        "village": rows.add("citizen_report", ticket="R-1", village_id=first, lon=1.0, lat=1.0),
        "none": rows.add("citizen_report", ticket="R-2", lon=1.0, lat=1.0),
    }
    made["traffy_ticket"] = {
        "village": rows.add("traffy_ticket", ticket_id="T-1", village_id=first),
        "none": rows.add("traffy_ticket", ticket_id="T-2"),
    }
    made["work_order"] = {
        "village": rows.add("work_order", bin_id=made["bin"]["village"], village_id=first),
        "bin": rows.add("work_order", bin_id=made["bin"]["last"]),
    }
    made["allocation_plan"] = {
        "v1": rows.add("allocation_plan", version=1, title="แผน 1", fiscal_year_be=2569),
        "v2": rows.add("allocation_plan", version=2, title="แผน 2", fiscal_year_be=2569),
    }
    return made


def _subdistricts(rows: Rows, count: int) -> list[int]:
    return [rows.add("subdistrict", code=f"99990{n}", name=f"ตำบล{n}") for n in range(1, count + 1)]


def test_one_subdistrict_every_row_gets_it(fresh: Engine) -> None:
    upgrade_database(fresh, "0019")
    rows = Rows(fresh)
    (only,) = _subdistricts(rows, 1)
    made = _world(rows, [only])
    upgrade_database(fresh, "0020")
    assert current_revision(fresh) == "0020"
    got = {t: {k: _subdistrict_of(fresh, t, i) for k, i in ids.items()} for t, ids in made.items()}
    assert got == {t: dict.fromkeys(ids, only) for t, ids in made.items()}


def test_two_subdistricts_rows_take_their_villages_and_plans_count_per_subdistrict(
    fresh: Engine,
) -> None:
    upgrade_database(fresh, "0019")
    rows = Rows(fresh)
    one, two = _subdistricts(rows, 2)
    made = _world(rows, [one, two])
    upgrade_database(fresh, "0020")
    got = {t: {k: _subdistrict_of(fresh, t, i) for k, i in ids.items()} for t, ids in made.items()}
    assert got == {
        "bin": {"village": one, "none": None, "last": two},
        "submission": {"village": one, "none": None},
        "citizen_report": {"village": one, "none": None},
        "traffy_ticket": {"village": one, "none": None},
        "work_order": {"village": one, "bin": two},  # the second from its bin's village
        "allocation_plan": {"v1": None, "v2": None},  # no village: whose is not known
    }
    # Version 1 again, now of a subdistrict: allowed; twice in one subdistrict: refused.
    rows.add("allocation_plan", version=1, title="แผน ต.1", fiscal_year_be=2570, subdistrict_id=one)
    rows.add("allocation_plan", version=1, title="แผน ต.2", fiscal_year_be=2570, subdistrict_id=two)
    with pytest.raises(IntegrityError):
        rows.add("allocation_plan", version=1, title="ซ้ำ", fiscal_year_be=2570, subdistrict_id=one)
