"""Migration 0009 gives every bin already registered its own entity UUID and version 1."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import text

from fieldsvc.storage.engine import make_engine
from fieldsvc.storage.migrate import current_revision, upgrade_database


def test_existing_bins_get_distinct_entity_ids_and_version_1(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'before_0009.db'}")
    upgrade_database(engine, "0008")
    with engine.begin() as connection:
        for code in ("NB-0001", "NB-0002", "NB-0003"):
            connection.execute(
                text(
                    "INSERT INTO bin (code, lon, lat, capacity_l, stream, condition) "
                    "VALUES (:code, 103.3, 16.3, 200, 'general', 'usable')"
                ),
                {"code": code},
            )
    upgrade_database(engine, "0009")
    assert current_revision(engine) == "0009"
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT code, entity_id, entity_version FROM bin ORDER BY code")
        ).all()
        indexes = connection.execute(text("PRAGMA index_list('bin')")).all()
    assert [(code, version) for code, _id, version in rows] == [
        ("NB-0001", 1),
        ("NB-0002", 1),
        ("NB-0003", 1),
    ]
    ids = [entity_id for _code, entity_id, _v in rows]
    assert len(set(ids)) == 3 and all(str(uuid.UUID(i)) == i for i in ids)
    unique = {name: is_unique for _seq, name, is_unique, *_ in indexes}
    assert unique["ix_bin_entity_id"] == 1
    engine.dispose()
