"""Is this install ready to serve? Shared by ``/readyz`` and ``fieldsvc doctor``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from fieldsvc.maps.assets import CDN_ASSETS, SUPERCLUSTER_JS, VENDOR_DIR, VENDOR_SCHEME
from fieldsvc.storage.migrate import alembic_config, current_revision


def head_revision(engine: Engine) -> str | None:
    """The newest migration this code knows."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def missing_vendor_assets(vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """Vendored front-end files the maps and pages load that are not on disk."""
    needed = [*(p for paths in CDN_ASSETS.values() for p in paths)]
    needed.append(SUPERCLUSTER_JS.removeprefix(VENDOR_SCHEME))
    return sorted({p for p in needed if not (vendor_dir / p).is_file()})


def database_state(engine: Engine) -> tuple[bool, str | None, str | None, str | None]:
    """(reachable, error, revision in the database, newest revision)."""
    head = head_revision(engine)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True, None, current_revision(engine), head
    except SQLAlchemyError as exc:
        return False, type(exc).__name__, None, head


def readiness_checks(*, engine: Engine, vendor_dir: Path = VENDOR_DIR) -> dict[str, Any]:
    """``database``, ``migrations`` and ``assets``, each ``{"ok": bool, …}`` (no secrets)."""
    reachable, error, revision, head = database_state(engine)
    missing = missing_vendor_assets(vendor_dir)
    return {
        "database": {"ok": reachable, "error": error},
        "migrations": {"ok": reachable and revision == head, "current": revision, "head": head},
        "assets": {"ok": not missing, "missing": missing[:10]},
    }
