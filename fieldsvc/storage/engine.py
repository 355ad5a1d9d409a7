"""Engines and sessions for the embedded SQLite default and for PostgreSQL + PostGIS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from fieldsvc.config import Settings
from fieldsvc.storage import sqlite_writers

T = TypeVar("T")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the map and reports read while a phone writes; foreign keys are off by default in
    # SQLite; busy_timeout makes concurrent writers wait instead of failing at once.
    # synchronous=FULL: a survey answered 201 must survive a power cut (the phone will not send
    # it again). NORMAL in WAL mode may roll back the last commits after an OS crash or power
    # loss; FULL costs one WAL fsync per commit (~0.4 ms here, see bench/README.md).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url`` with the settings each backend needs.

    ``sqlite://`` (in memory) uses one shared connection so that every session sees the same
    database, as tests need.
    """
    if url.startswith("sqlite"):
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
        else:
            path = url.split("///", 1)[1]
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            sqlite_writers.install()  # writers queue for the file instead of polling for it
        engine = create_engine(url, echo=echo, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


def engine_from_settings(settings: Settings) -> Engine:
    return make_engine(settings.effective_database_url, echo=settings.sql_echo)


def commit_with_one_retry(session: Session, write: Callable[[], T]) -> T:
    """Run ``write`` (the session's changes of one transaction) and commit. Two identical
    submissions racing on a unique key (a phone's retry arriving while the first is still being
    written) make one of them fail once; on the second try it finds the first and answers as
    for a duplicate."""
    for attempt in (1, 2):
        try:
            result = write()
            session.commit()
            return result
        except IntegrityError:
            session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
