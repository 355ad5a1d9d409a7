"""Alembic environment: the engine comes from fieldsvc, never from an ini file."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import fieldsvc.models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration rebuilds a table (copy, drop, rename): with foreign keys enforced,
        # dropping a table other rows point at fails (a bin with surveys). SQLite's own recipe:
        # enforcement off while migrating (the pragma only works outside a transaction), every
        # reference checked afterwards.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=sqlite,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()
        if broken:
            raise RuntimeError(f"the migration left references to missing rows: {broken[:5]}")
