"""``fieldsvc db``: database maintenance, and the database every other command opens."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from fieldsvc.cli.console import say

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

    from fieldsvc.config import Settings


def upgraded_engine(settings: Settings) -> Engine:
    """The configured database with its schema at the newest migration."""
    from fieldsvc.storage.engine import engine_from_settings
    from fieldsvc.storage.migrate import upgrade_database

    engine = engine_from_settings(settings)
    upgrade_database(engine)
    return engine


@contextmanager
def database_session(settings: Settings) -> Iterator[Session]:
    """A session on the upgraded database, committed when the block ends without error."""
    from fieldsvc.storage.engine import session_scope

    with session_scope(upgraded_engine(settings)) as session:
        yield session


def cmd_db_upgrade(_args: argparse.Namespace, settings: Settings) -> int:
    engine = upgraded_engine(settings)
    say(f"ฐานข้อมูลเป็นรุ่นล่าสุดแล้ว / database is up to date: {engine.url.render_as_string()}")
    return 0


def register(sub: Any) -> None:
    """Add ``fieldsvc db`` to the parser."""
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_sub.add_parser(
        "upgrade",
        help="apply schema migrations (Alembic) to the newest",
        description="Apply every pending schema migration.",
    )
    upgrade.set_defaults(handler=cmd_db_upgrade)
