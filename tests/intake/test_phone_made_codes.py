"""New-bin codes made up on the phone (village + four digits): when two phones working offline
drew the same code, the second new bin is kept and given a fresh code, and the head is told."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import Bin, Inspection
from fieldsvc.models.labels import IssuedCode
from fieldsvc.storage.register import unused_village_code
from tests.intake.conftest import Place, add_bin, json_survey

FIRST = "5d0c8a1e-1111-4c2b-9a7e-000000000001"
SECOND = "5d0c8a1e-2222-4c2b-9a7e-000000000002"


@pytest.fixture
def client(engine: Engine, settings: Settings, place: Place) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def post(client: TestClient, place: Place, sid: str, **changes: Any) -> dict[str, Any]:
    body = json_survey(submission_id=sid, **changes)
    res = client.post(
        "/api/v1/submissions", json=body, headers={"Authorization": f"Bearer {place.head_token}"}
    )
    assert res.status_code in (200, 201), res.text
    return dict(res.json())


def test_a_phone_made_code_another_bin_has_is_replaced_and_the_head_told(
    client: TestClient, place: Place, engine: Engine, session: Session
) -> None:
    add_bin(session, "01-0427", 16.3080, 103.3080)  # registered by another phone, 300 m away
    out = post(client, place, FIRST, bin_code="01-0427", code_made_on_phone=True)
    assert out["applied"] is True
    [flag] = out["flags"]
    assert flag["code"] == "bin_code_reassigned" and flag["severity"] == "review"
    fresh = flag["details"]["bin_code"]
    assert re.fullmatch(r"01-\d{4}", fresh) and fresh != "01-0427"
    assert flag["details"]["value"] == "01-0427"
    assert fresh in flag["message_th"] and "01-0427" in flag["message_th"]
    assert fresh in flag["message_en"]
    with Session(engine) as db:
        codes = {b.code: b for b in db.exec(select(Bin))}
        assert set(codes) == {"01-0427", fresh}
        assert codes[fresh].capacity_l == 240 and codes[fresh].lat == pytest.approx(16.3052)
        # The registered bin was not "inspected" by the other bin's survey.
        old = codes["01-0427"]
        assert len(db.exec(select(Inspection).where(Inspection.bin_id == old.id)).all()) == 1
    # A retry of the same survey answers the same, and registers nothing more.
    again = post(client, place, FIRST, bin_code="01-0427", code_made_on_phone=True)
    assert again["outcome"] == "duplicate" and again["flags"][0]["details"]["bin_code"] == fresh
    with Session(engine) as db:
        assert len(db.exec(select(Bin)).all()) == 2


def test_a_typed_code_of_a_registered_bin_is_still_an_inspection(
    client: TestClient, place: Place, engine: Engine, session: Session
) -> None:
    add_bin(session, "01-0427", 16.3052, 103.3057)
    out = post(client, place, SECOND, bin_code="01-0427")
    assert out["flags"] == [] and out["applied"] is True
    with Session(engine) as db:
        assert [b.code for b in db.exec(select(Bin))] == ["01-0427"]


def test_a_free_phone_made_code_is_kept(client: TestClient, place: Place, engine: Engine) -> None:
    out = post(client, place, SECOND, bin_code="01-0815", code_made_on_phone=True)
    assert out["flags"] == []
    with Session(engine) as db:
        assert [b.code for b in db.exec(select(Bin))] == ["01-0815"]


def test_an_unused_code_avoids_taken_draws_then_takes_the_first_free(session: Session) -> None:
    add_bin(session, "07-0427", 16.3052, 103.3057)
    add_bin(session, "07-0000", 16.3053, 103.3057)
    draws = iter([427, 10_427, 9])
    assert unused_village_code(session=session, prefix="07", draw=lambda: next(draws)) == "07-0009"
    assert unused_village_code(session=session, prefix="07", draw=lambda: 427) == "07-0001"
    assert unused_village_code(session=session, prefix="08", draw=lambda: 427) == "08-0427"


def _issue(session: Session, place: Place, code: str) -> None:
    session.add(IssuedCode(code=code, village_id=place.village_ids[1], issued_by_id=place.staff.id))
    session.commit()


def test_a_phone_made_code_equal_to_a_waiting_sticker_is_replaced(
    client: TestClient, place: Place, engine: Engine, session: Session
) -> None:
    # 01-0427 is printed on a sticker handed out but not yet stuck on a bin: a phone that drew
    # the same number offline must not take it (scanning the sticker later would open this bin)
    _issue(session, place, "01-0427")
    out = post(client, place, FIRST, bin_code="01-0427", code_made_on_phone=True)
    [flag] = out["flags"]
    assert flag["code"] == "bin_code_reassigned"
    fresh = flag["details"]["bin_code"]
    assert re.fullmatch(r"01-\d{4}", fresh) and fresh != "01-0427"
    with Session(engine) as db:
        assert [b.code for b in db.exec(select(Bin))] == [fresh]
        sticker = db.exec(select(IssuedCode).where(IssuedCode.code == "01-0427")).one()
        assert sticker.used_at is None and sticker.bin_id is None
    # the sticker itself, scanned onto a new bin (not a phone-made code), registers under it
    post(client, place, SECOND, bin_code="01-0427")
    with Session(engine) as db:
        assert sorted(b.code for b in db.exec(select(Bin))) == sorted(["01-0427", fresh])


def test_an_unused_code_skips_printed_stickers(session: Session, place: Place) -> None:
    _issue(session, place, "01-0427")
    assert unused_village_code(session=session, prefix="01", draw=lambda: 427) == "01-0000"
