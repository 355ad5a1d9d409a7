"""Use cases shared by the CLI and the API: each opens no session of its own and returns what
it did. (Thin glue between ingest, storage and analysis; no web or terminal code here.)"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from shapely.geometry import shape
from sqlmodel import Session, select

from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput
from fieldsvc.ingest.layers import read_points, read_villages
from fieldsvc.ingest.report import ImportReport
from fieldsvc.models import Subdistrict, Submission, User
from fieldsvc.storage.frames import (
    Progress,
    SaveCounts,
    save_bin_inventory,
    save_households,
    save_villages,
)
from fieldsvc.storage.register import only_subdistrict

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "geodata"


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
    """The subdistrict to import into: by code, the only one, or a new one from the options."""
    if code:
        found = session.exec(select(Subdistrict).where(Subdistrict.code == code)).first()
        if found is not None:
            return found
    else:
        found = only_subdistrict(session=session)
        if found is not None:
            return found
    if not code or not name:
        raise InvalidInput(
            "No subdistrict yet: give --subdistrict-code and --subdistrict-name",
            message_th="ยังไม่มีข้อมูลตำบล: โปรดระบุ --subdistrict-code และ --subdistrict-name",
            field="subdistrict_code",
        )
    boundary = None
    if boundary_path is not None:
        data = json.loads(boundary_path.read_text(encoding="utf-8"))
        boundary = shape(data["features"][0]["geometry"])
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


def import_households(
    *, session: Session, path: Path, progress: Progress | None = None, **options: Any
) -> ImportOutcome:
    layer = read_points(path, kind="households", **options)
    saved = save_households(session=session, households=layer.points, progress=progress)
    return ImportOutcome(report=layer.report, saved=saved)


def import_bin_layer(
    *, session: Session, path: Path, progress: Progress | None = None, **options: Any
) -> ImportOutcome:
    layer = read_points(path, kind="bins", **options)
    saved = save_bin_inventory(session=session, bins=layer.points, progress=progress)
    return ImportOutcome(report=layer.report, saved=saved)


def load_sample_data(*, session: Session, sample_dir: Path = SAMPLE_DIR) -> list[ImportOutcome]:
    """Load the synthetic sample subdistrict (idempotent)."""
    meta = json.loads((sample_dir / "sample_subdistrict.geojson").read_text(encoding="utf-8"))
    props = meta["features"][0]["properties"]
    subdistrict = ensure_subdistrict(
        session=session,
        code=str(props["subdistrict_code"]),
        name=str(props["name_th"]),
        boundary_path=sample_dir / "sample_subdistrict.geojson",
    )
    if subdistrict.name_en is None and props.get("name_en"):
        subdistrict.name_en = props["name_en"]
    return [
        import_villages(
            session=session, path=sample_dir / "sample_villages.geojson", subdistrict=subdistrict
        ),
        import_households(session=session, path=sample_dir / "sample_households.geojson"),
        import_bin_layer(session=session, path=sample_dir / "sample_bins.geojson"),
    ]


def load_sample_surveys(
    *, session: Session, settings: Settings, submitter: User, today: date
) -> list[tuple[str, str]]:
    """Send the SYNTHETIC sample surveys (:mod:`fieldsvc.sample_surveys`) through the web
    form's path, photos included, when the register has no survey yet. Returns (what the
    sample shows, outcome) per survey; nothing when surveys exist already."""
    from fieldsvc.ingest.photos import clean_photo
    from fieldsvc.ingest.web import SurveyIn
    from fieldsvc.sample_surveys import sample_surveys
    from fieldsvc.storage.media import store_media
    from fieldsvc.storage.submissions import attach_media, receive_submission

    if session.exec(select(Submission.id).limit(1)).first() is not None:
        return []
    done: list[tuple[str, str]] = []
    for sample in sample_surveys(today=today):
        survey = SurveyIn.model_validate(sample.body)
        result = receive_submission(
            session=session,
            record=survey.to_record(),
            raw_payload=json.dumps(sample.body, ensure_ascii=False),
            content_type="application/json",
            submitter=submitter,
            settings=settings,
        )
        if sample.photo is not None:
            photo = clean_photo(sample.photo, name=survey.photos[0], max_bytes=10**7)
            attach_media(
                session=session,
                submission=result.submission,
                name=survey.photos[0],
                sha256=store_media(settings=settings, data=photo.data),
                media_type=photo.media_type,
                size_bytes=len(photo.data),
                known_rows=result.attachments,
            )
        flags = ", ".join(f.code for f in result.flags) or "clean"
        done.append((sample.what, f"{result.outcome}; {flags}"))
    session.flush()
    return done
