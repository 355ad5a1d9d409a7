"""Shared fixtures. The database under test is SQLite unless FIELDSVC_TEST_DATABASE_URL names a
PostgreSQL + PostGIS database (``make test`` runs the whole suite once on each)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text
from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.storage.engine import make_engine
from fieldsvc.storage.migrate import upgrade_database
from tests.live import empty_all_tables

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")


def _test_database_url(tmp_root: Path) -> str:
    """SQLite in the run's temporary folder, or the PostGIS database named by the environment.
    Under pytest-xdist each worker on PostGIS uses its own database, ``<name>_<worker>`` (e.g.
    ``fieldsvc_test_gw0``; scripts/test.sh creates them), as the tests empty the tables freely."""
    url = os.environ.get("FIELDSVC_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_root / 'test.sqlite3'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        parsed = make_url(url)
        url = parsed.set(database=f"{parsed.database}_{worker}").render_as_string(
            hide_password=False
        )
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _test_database_url(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def migrated_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        # Each test run starts from an empty schema, built by the real migrations.
        # (PostGIS itself lives in the schema and needs a superuser to create: keep it.)
        with engine.begin() as connection:
            names = connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'spatial_ref_sys'"
                )
            ).scalars()
            for name in list(names):
                connection.execute(text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
    upgrade_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(migrated_engine: Engine) -> Iterator[Engine]:
    """A migrated, empty database; emptied again after the test."""
    empty_all_tables(migrated_engine)
    yield migrated_engine
    empty_all_tables(migrated_engine)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "var", database_url=database_url)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostGIS run, only the tests that use the database run again: the pure analysis and
    file-reading tests do not depend on the backend and already ran on the SQLite pass, and the
    cross-subdistrict route table (``sqlite_pass_only``: some 400 requests, each on a freshly
    seeded world) calls the same queries the per-area tenancy tests run on PostGIS."""
    if not os.environ.get("FIELDSVC_TEST_DATABASE_URL"):
        return
    keep = [
        i
        for i in items
        if "migrated_engine" in getattr(i, "fixturenames", ())
        and i.get_closest_marker("sqlite_pass_only") is None
    ]
    dropped = [i for i in items if i not in keep]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
