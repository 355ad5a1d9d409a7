"""The demo: load the SYNTHETIC sample subdistrict and send its sample surveys through the
web form's path (see :mod:`fieldsvc.services.sample_surveys`)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from fieldsvc.config import Settings
from fieldsvc.models import Submission, User
from fieldsvc.resources import sample_geodata_dir
from fieldsvc.services.imports import (
    ImportOutcome,
    ensure_subdistrict,
    import_bin_layer,
    import_households,
    import_villages,
)

SAMPLE_DIR = sample_geodata_dir()


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
    """Send the SYNTHETIC sample surveys (:mod:`fieldsvc.services.sample_surveys`) through the web
    form's path, photos included, when the register has no survey yet. Returns (what the
    sample shows, outcome) per survey; nothing when surveys exist already."""
    from fieldsvc.ingest.photos import clean_photo
    from fieldsvc.ingest.web import SurveyIn
    from fieldsvc.services.sample_surveys import sample_surveys
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
