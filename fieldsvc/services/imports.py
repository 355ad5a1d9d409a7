"""Import use cases for map files (villages, households, a bin inventory): read the file with
``fieldsvc.ingest``, store it with ``fieldsvc.storage``, return what was read and stored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shapely.geometry import shape
from sqlmodel import Session, select

from fieldsvc.errors import InvalidInput
from fieldsvc.ingest.layers import read_points, read_villages
from fieldsvc.ingest.report import ImportReport
from fieldsvc.models import Subdistrict
from fieldsvc.storage.frames import (
    Progress,
    SaveCounts,
    save_bin_inventory,
    save_households,
    save_villages,
)
from fieldsvc.storage.register import only_subdistrict
from fieldsvc.storage.tenancy import pin_unscoped_users, subdistrict_by_code, subdistrict_count


@dataclass(frozen=True)
class ImportOutcome:
    """What an import read (the file report) and what it stored (the save counts)."""

    report: ImportReport
    saved: SaveCounts

    def summary(self) -> str:
        return f"{self.report.summary()}\n{self.saved.summary()}"


def ensure_subdistrict(
    *,
    session: Session,
    code: str | None = None,
    name: str | None = None,
    boundary_path: Path | None = None,
) -> Subdistrict:
    """The subdistrict to import into: by code, the only one, or a new one from the options.

    Raises
    ------
    InvalidInput
        ``subdistrict_required`` when no code is given and the install serves several
        subdistricts (never a guess); ``subdistrict_missing`` when there is none and the code
        and name to make it are not both given.
    """
    if code:
        found = session.exec(select(Subdistrict).where(Subdistrict.code == code)).first()
        if found is not None:
            return found
    else:
        found = only_subdistrict(session=session)
        if found is not None:
            return found
        count = subdistrict_count(session=session)
        if count > 1:
            raise InvalidInput.of("subdistrict_required", field="subdistrict_code", count=count)
    if not code or not name:
        raise InvalidInput.of("subdistrict_missing", field="subdistrict_code")
    boundary = None
    if boundary_path is not None:
        data = json.loads(boundary_path.read_text(encoding="utf-8"))
        boundary = shape(data["features"][0]["geometry"])
    pin_unscoped_users(session=session)
    subdistrict = Subdistrict(code=code, name=name, boundary=boundary)
    session.add(subdistrict)
    session.flush()
    return subdistrict


def import_villages(
    *, session: Session, path: Path, subdistrict: Subdistrict, **options: Any
) -> ImportOutcome:
    layer = read_villages(path, **options)
    saved = save_villages(session=session, subdistrict=subdistrict, villages=layer.villages)
    return ImportOutcome(report=layer.report, saved=saved)


def subdistrict_for_points(*, session: Session, code: str | None = None) -> int | None:
    """The id of the subdistrict a household or bin file goes to: the one named by ``code``,
    else the install's only one (None in an install with no subdistrict yet).

    Raises
    ------
    NotFound
        ``subdistrict_code_unknown`` for a code not in the install.
    InvalidInput
        ``subdistrict_required`` when no code is given and the install serves several.
    """
    if code:
        return subdistrict_by_code(session=session, code=code).id
    only = only_subdistrict(session=session)
    if only is not None:
        return only.id
    count = subdistrict_count(session=session)
    if count > 1:
        raise InvalidInput.of("subdistrict_required", field="subdistrict_code", count=count)
    return None


def import_households(
    *,
    session: Session,
    path: Path,
    progress: Progress | None = None,
    subdistrict_code: str | None = None,
    **options: Any,
) -> ImportOutcome:
    subdistrict_id = subdistrict_for_points(session=session, code=subdistrict_code)
    layer = read_points(path, kind="households", **options)
    saved = save_households(
        session=session, households=layer.points, progress=progress, subdistrict_id=subdistrict_id
    )
    return ImportOutcome(report=layer.report, saved=saved)


def import_bin_layer(
    *,
    session: Session,
    path: Path,
    progress: Progress | None = None,
    subdistrict_code: str | None = None,
    **options: Any,
) -> ImportOutcome:
    subdistrict_id = subdistrict_for_points(session=session, code=subdistrict_code)
    layer = read_points(path, kind="bins", **options)
    saved = save_bin_inventory(
        session=session, bins=layer.points, progress=progress, subdistrict_id=subdistrict_id
    )
    return ImportOutcome(report=layer.report, saved=saved)
