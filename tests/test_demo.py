"""`fieldsvc demo`: the sample subdistrict, synthetic surveys to review, a published plan."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from fieldsvc.cli import main
from fieldsvc.config import Settings
from fieldsvc.models import AllocationPlanRecord, Attachment, Bin, Submission, User
from fieldsvc.services.sample_surveys import sample_surveys
from fieldsvc.storage.media import require_media, require_thumbnail
from fieldsvc.storage.users import user_for_token, village_ids_of

EXPECTED_FLAGS = {
    "poor_gps_accuracy",
    "coordinates_swapped",
    "hand_placed_point",
    "unknown_bin_code",
    "possible_duplicate",
    "village_mismatch",
}


def _token_after(out: str, marker: str) -> str:
    line = next(line for line in out.splitlines() if marker in line)
    return line.rsplit(marker, 1)[1].strip()


def test_demo_loads_surveys_to_review_and_a_published_plan(
    settings: Settings, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--no-serve"], settings=settings) == 0
    out = capsys.readouterr().out
    assert "synthetic sample surveys: 14" in out and "/docs" in out
    admin_token = _token_after(out, "/login/")
    head_token = _token_after(out, "/m/#token=")
    with Session(engine) as session:
        surveys = session.exec(select(Submission)).all()
        assert len(surveys) == 14
        flagged = {f["code"] for s in surveys for f in (s.flags or [])}
        assert flagged == EXPECTED_FLAGS
        photos = session.exec(select(Attachment).where(col(Attachment.sha256).is_not(None))).all()
        assert len(photos) == 13  # every sample but the mistyped code has a photo
        for photo in photos[:2]:
            with Image.open(require_media(settings=settings, sha256=photo.sha256 or "")) as image:
                assert image.size == (640, 480) and image.format == "JPEG"
            assert require_thumbnail(settings=settings, sha256=photo.sha256 or "").is_file()
        overflowing = session.exec(select(Bin).where(Bin.condition == "overflowing")).all()
        assert len(overflowing) == 31 + 1  # the sample's 31 and the one reported overflowing
        plans = session.exec(select(AllocationPlanRecord)).all()
        assert [p.status for p in plans] == ["published"]
        head = user_for_token(session=session, token=head_token)
        assert head is not None and head.username == "demo-moo7"
        village_ids = village_ids_of(session=session, user=head)
        assert village_ids is not None and len(village_ids) == 1

    # Again: the same register, no second batch of surveys or plan, fresh tokens; the links
    # printed name the address given.
    again = ["demo", "--no-serve", "--host", "192.168.1.20", "--port", "8080"]
    assert main(again, settings=settings) == 0
    out = capsys.readouterr().out
    assert "synthetic sample surveys" not in out
    assert "http://192.168.1.20:8080/login/" in out
    assert "http://192.168.1.20:8080/m/#token=" in out
    with Session(engine) as session:
        assert len(session.exec(select(Submission)).all()) == 14
        assert len(session.exec(select(AllocationPlanRecord)).all()) == 1
        assert user_for_token(session=session, token=admin_token) is None
        assert len(session.exec(select(User)).all()) == 2


def test_sample_surveys_are_deterministic_and_synthetic() -> None:
    first = sample_surveys(today=date(2026, 11, 26))
    again = sample_surveys(today=date(2026, 11, 26))
    assert [s.body for s in first] == [s.body for s in again]
    assert len({s.body["submission_id"] for s in first}) == len(first) == 14
    assert all(s.body["device_id"] == "sample-device" for s in first)
    assert first[0].body["observed_at"] == "2026-11-25T09:30:00+07:00"
    assert first[0].photo is not None
    with Image.open(io.BytesIO(first[0].photo)) as image:
        assert image.size == (640, 480)
