"""Migration 0021 gives every subdistrict an office name of its own (Thai and English), empty
for the subdistricts already here: they keep the install's FIELDSVC_OFFICE_NAME.

Runs on the suite's backend: a file of its own on SQLite, a schema of its own on PostGIS (the
``fresh`` database of the 0020 test).
"""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect, text

from fieldsvc.storage.migrate import alembic_config, current_revision, upgrade_database
from tests.storage.test_migration_0020 import fresh  # noqa: F401  (the fixture)


def _office_columns(engine: Engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("subdistrict")} & {
        "office_name",
        "office_name_en",
    }


def test_subdistricts_already_here_get_empty_office_names(fresh: Engine) -> None:  # noqa: F811
    upgrade_database(fresh, "0020")
    with fresh.begin() as connection:
        connection.execute(
            text("INSERT INTO subdistrict (code, name) VALUES ('999901', 'ตำบลหนึ่ง')")
        )
    upgrade_database(fresh, "0021")
    assert current_revision(fresh) == "0021"
    with fresh.begin() as connection:
        rows = connection.execute(
            text("SELECT code, office_name, office_name_en FROM subdistrict")
        ).all()
        assert [tuple(r) for r in rows] == [("999901", None, None)]
        connection.execute(text("UPDATE subdistrict SET office_name = :n"), {"n": "อบต." * 50})
    # And back: the columns go, the subdistrict stays.
    command.downgrade(alembic_config(fresh), "0020")
    assert _office_columns(fresh) == set()
    with fresh.connect() as connection:
        assert connection.execute(text("SELECT code FROM subdistrict")).scalar_one() == "999901"
