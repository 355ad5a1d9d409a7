"""The demo: load the SYNTHETIC sample subdistrict and send its sample surveys through the
web form's path (see :mod:`fieldsvc.services.sample_surveys`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.models import User
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
        import_households(
            session=session,
            path=sample_dir / "sample_households.geojson",
            subdistrict_code=subdistrict.code,
        ),
        import_bin_layer(
            session=session,
            path=sample_dir / "sample_bins.geojson",
            subdistrict_code=subdistrict.code,
        ),
    ]


def load_sample_surveys(
    *, session: Session, settings: Settings, submitter: User, today: date
) -> list[tuple[str, str]]:
    """Send the SYNTHETIC sample surveys (:mod:`fieldsvc.services.sample_surveys`) through the web
    form's path (:func:`fieldsvc.services.intake.receive_survey`, each committed), photos
    included, when the register has no survey yet. Returns (what the sample shows, outcome) per
    survey; nothing when surveys exist already."""
    from fieldsvc.ingest.photos import clean_photo
    from fieldsvc.ingest.web import SurveyIn
    from fieldsvc.services.intake import receive_survey
    from fieldsvc.services.sample_surveys import sample_surveys
    from fieldsvc.storage.submissions.queries import has_submissions

    if has_submissions(session=session):
        return []
    done: list[tuple[str, str]] = []
    for sample in sample_surveys(today=today):
        survey = SurveyIn.model_validate(sample.body)
        photos = []
        if sample.photo is not None:
            name = survey.photos[0]
            photos.append((name, clean_photo(sample.photo, name=name, max_bytes=10**7)))
        result = receive_survey(
            session=session,
            settings=settings,
            submitter=submitter,
            record=survey.to_record(),
            raw_payload=json.dumps(sample.body, ensure_ascii=False),
            content_type="application/json",
            photos=photos,
        )
        flags = ", ".join(f.code for f in result.flags) or "clean"
        done.append((sample.what, f"{result.outcome}; {flags}"))
    return done


@dataclass(frozen=True)
class DemoReady:
    """What :func:`prepare_demo` loaded and the tokens to sign in with."""

    imports: list[ImportOutcome]
    admin_token: str
    head_token: str
    """The demo head of village 7's token (for the phone form)."""
    sample_surveys: list[tuple[str, str]]
    """(what the sample shows, outcome) per survey sent; empty when surveys existed."""
    plan_title: str | None
    """The sample plan made and published by this run; None when a plan existed."""


DEMO_PLAN_BUDGET_BAHT = 400_000


def prepare_demo(*, session: Session, settings: Settings, today: date) -> DemoReady:
    """Load the SYNTHETIC sample subdistrict, its demo users (fresh tokens each run), sample
    surveys and a published sample plan. Idempotent: a second run adds no surveys or plans."""
    from fieldsvc.models import Role
    from fieldsvc.services import planning
    from fieldsvc.services.users import issue_user_token
    from fieldsvc.storage.users import get_user

    imports = load_sample_data(session=session)
    admin_token = issue_user_token(
        session=session,
        username="demo-admin",
        display_name="ผู้ดูแลระบบ (ตัวอย่าง)",
        role=Role.admin,
    )
    head_token = issue_user_token(
        session=session,
        username="demo-moo7",
        display_name="ผู้ใหญ่บ้านหมู่ 7 (ตัวอย่าง)",
        role=Role.village_head,
        village_number=7,
    )
    surveyor = get_user(session=session, username="demo-admin")
    samples = load_sample_surveys(
        session=session, settings=settings, submitter=surveyor, today=today
    )
    plan_title = None
    if not planning.list_plans(session=session):
        plan = planning.create_plan(
            session=session, settings=settings, budget_baht=DEMO_PLAN_BUDGET_BAHT
        )
        planning.publish_plan(session=session, plan=plan)
        plan_title = plan.title
    return DemoReady(
        imports=imports,
        admin_token=admin_token,
        head_token=head_token,
        sample_surveys=samples,
        plan_title=plan_title,
    )
