"""The Alembic migrations build exactly the schema the SQLModel tables describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

import fieldsvc.models  # noqa: F401
from fieldsvc.storage.migrate import current_revision

# PostGIS's own table and the generated point columns exist only in the database on purpose.
IGNORED_TABLES = {"spatial_ref_sys", "alembic_version"}


def _include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    if type_ == "table" and name in IGNORED_TABLES:
        return False
    if type_ == "column" and name == "geom":
        return False
    is_gist_index = type_ == "index" and str(name).endswith(("_geom", "_boundary"))
    return not is_gist_index


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": _include, "compare_type": False}
        )
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_database_is_at_the_newest_revision(engine: Engine) -> None:
    from alembic.script import ScriptDirectory

    from fieldsvc.storage.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert current_revision(engine) == head


def test_postgis_has_real_geometry_columns_with_spatial_indexes(engine: Engine) -> None:
    inspector = inspect(engine)
    if engine.dialect.name != "postgresql":
        # SQLite keeps WKB bytes; the point of this test is the PostGIS side.
        columns = {c["name"]: c for c in inspector.get_columns("village")}
        assert "BLOB" in str(columns["boundary"]["type"]).upper()
        return
    columns = {c["name"]: str(c["type"]) for c in inspector.get_columns("bin")}
    assert columns["geom"].lower().startswith("geometry(point,4326")
    index_names = {i["name"] for i in inspector.get_indexes("bin")}
    assert "ix_bin_geom" in index_names
    village_indexes = {i["name"] for i in inspector.get_indexes("village")}
    assert "ix_village_boundary" in village_indexes
