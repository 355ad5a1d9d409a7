"""Every way an inspection arrives opens (or verifies) work orders: the phone form's JSON (the
fast path and the general apply), ODK Collect (OpenRosa), a survey sheet, a staff correction
and an inventory import."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from unittest.mock import patch

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

import fieldsvc.storage.submissions.receive as receive_module
from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import Bin, BinCreate, Condition, Stream, WorkOrder
from fieldsvc.services.sheet_import import import_bin_sheet
from fieldsvc.storage.register import create_bin
from tests.intake.conftest import Place, add_bin, bin_xml, json_survey
from tests.work_orders.conftest import orders

SID = "0b7a1d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d"


@pytest.fixture
def client(engine: Engine, settings: Settings, place: Place) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def order_of(session: Session, code: str) -> list[tuple[str, str]]:
    session.expire_all()
    bin_row = session.exec(select(Bin).where(Bin.code == code)).one()
    return [(o.kind, o.status) for o in orders(session) if o.bin_id == bin_row.id]


def test_phone_form_json_opens_orders_on_both_apply_paths(
    client: TestClient, session: Session, place: Place
) -> None:
    # A new bin found damaged (the fast path registers it), then seen overflowing.
    sent = client.post(
        "/api/v1/submissions",
        json=json_survey(submission_id=SID, condition="damaged"),
        headers=auth(place.head_token),
    )
    assert sent.status_code == 201, sent.text
    again = client.post(
        "/api/v1/submissions",
        json=json_survey(
            submission_id="1b7a1d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
            condition="overflowing",
            observed_at="2026-11-22T08:30:00+07:00",
        ),
        headers=auth(place.head_token),
    )
    assert again.status_code == 201, again.text
    assert order_of(session, "NB-0201") == [("repair", "open"), ("extra_collection", "open")]
    # The same with the fast path off: the general (ORM) apply.
    with patch.object(receive_module, "_apply_at_once", lambda **_kwargs: False):
        slow = client.post(
            "/api/v1/submissions",
            json=json_survey(
                submission_id="2b7a1d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
                bin_code="NB-0202",
                condition="missing",
            ),
            headers=auth(place.head_token),
        )
    assert slow.status_code == 201, slow.text
    assert order_of(session, "NB-0202") == [("replace", "open")]
    # Usable after the orders were done verifies them (the fast path again).
    for order in orders(session):
        marked = client.post(
            f"/api/v1/work-orders/{order.id}/done",
            json={"mark_id": f"mark-{order.id:08d}", "done_at": "2026-11-23T09:00:00+07:00"},
            headers=auth(place.staff_token),
        )
        assert marked.status_code == 200, marked.text
    usable = client.post(
        "/api/v1/submissions",
        json=json_survey(
            submission_id="3b7a1d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
            observed_at="2026-11-24T08:30:00+07:00",
        ),
        headers=auth(place.head_token),
    )
    assert usable.status_code == 201, usable.text
    assert order_of(session, "NB-0201") == [
        ("repair", "verified"),
        ("extra_collection", "verified"),
    ]
    assert order_of(session, "NB-0202") == [("replace", "done")]


def test_collect_submission_opens_an_order(
    client: TestClient, session: Session, place: Place
) -> None:
    add_bin(session, "NB-0101", 16.3051, 103.3051)
    answer = client.post(
        f"/openrosa/{place.staff_token}/submission",
        files={"xml_submission_file": ("s.xml", bin_xml(condition="missing").encode(), "text/xml")},
    )
    assert answer.status_code == 201, answer.text
    assert order_of(session, "NB-0101") == [("replace", "open")]
    (order,) = orders(session)
    assert order.opened_at == datetime(2026, 11, 20, 2, 15, 2, 123000, tzinfo=UTC)


def test_staff_correction_opens_an_order(
    client: TestClient, session: Session, place: Place
) -> None:
    sent = client.post(
        "/api/v1/submissions",
        json=json_survey(submission_id=SID),
        headers=auth(place.head_token),
    )
    assert sent.status_code == 201, sent.text
    assert order_of(session, "NB-0201") == []
    fixed = client.post(
        f"/api/v1/submissions/uuid:{SID}/corrections",
        json={"condition": "overflowing"},
        headers=auth(place.staff_token),
    )
    assert fixed.status_code in (200, 201), fixed.text
    assert order_of(session, "NB-0201") == [("extra_collection", "open")]


def test_sheet_import_opens_an_order(
    session: Session, settings: Settings, place: Place, tmp_path: Path
) -> None:
    sheet = tmp_path / "bins.csv"
    sheet.write_text(
        "รหัสถัง,หมู่,ละติจูด,ลองจิจูด,ขนาด,ประเภทขยะ,สภาพ,วันที่สำรวจ\n"
        "SH-001,1,16.3051,103.3051,200,ทั่วไป,ชำรุด,20/11/2569\n"
        "SH-002,1,16.3052,103.3052,200,ทั่วไป,ใช้งานได้,20/11/2569\n",
        "utf-8",
    )
    outcome = import_bin_sheet(session=session, path=sheet, settings=settings)
    session.commit()
    assert outcome.created == 2, outcome.report
    assert order_of(session, "SH-001") == [("repair", "open")]
    assert order_of(session, "SH-002") == []


def test_inventory_import_opens_an_order(session: Session, place: Place) -> None:
    create_bin(
        session=session,
        bin_in=BinCreate(
            code="INV-1",
            lat=16.3051,
            lon=103.3051,
            capacity_l=200,
            stream=Stream.general,
            condition=Condition.damaged,
        ),
        observed_at=datetime(2026, 10, 1, tzinfo=UTC),
    )
    session.commit()
    (order,) = session.exec(select(WorkOrder)).all()
    assert (order.kind, order.opened_at) == ("repair", datetime(2026, 10, 1, tzinfo=UTC))
