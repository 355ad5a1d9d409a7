"""The staff's work-order page and the dashboard's counts; the order API's answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import Condition
from tests.intake.conftest import Place, add_bin
from tests.work_orders.conftest import at, inspect, orders


@pytest.fixture
def client(engine: Engine, settings: Settings, place: Place) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine), follow_redirects=False) as test_client:
        yield test_client


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_staff_page_lists_flags_and_assigns(
    client: TestClient, session: Session, place: Place
) -> None:
    bin_row = add_bin(session, "WO-P1", 16.3051, 103.3051)
    inspect(session, bin_row, Condition.damaged, at(1))  # long past its 7 days
    (order,) = orders(session)
    page = client.get("/staff/work-orders", headers=auth(place.staff_token))
    assert page.status_code == 200
    assert f'data-order="{order.id}" class="overdue"' in page.text
    assert "ซ่อมถัง" in page.text and "เกินกำหนด" in page.text
    dashboard = client.get("/staff", headers=auth(place.staff_token))
    assert 'id="overdue-orders"' in dashboard.text and "WO-P1" in dashboard.text
    moved = client.post(
        f"/staff/work-orders/{order.id}/assign",
        data={"assignee_id": str(place.staff.id)},
        headers=auth(place.staff_token),
    )
    assert moved.status_code == 303
    board = client.get("/api/v1/work-orders", headers=auth(place.viewer_token)).json()
    assert board["overdue"] == 1 and board["open_by_kind"] == {"repair": 1}
    (row,) = board["orders"]
    assert (row["status"], row["assigned_to"], row["village_number"]) == (
        "assigned",
        "เจ้าหน้าที่",
        1,
    )
    events = client.get(f"/api/v1/work-orders/{order.id}/events", headers=auth(place.staff_token))
    assert [(e["action"], e["actor_id"]) for e in events.json()] == [
        ("opened", None),
        ("assigned", place.staff.id),
    ]


def test_assigning_to_a_village_head_is_refused(
    client: TestClient, session: Session, place: Place
) -> None:
    bin_row = add_bin(session, "WO-P2", 16.3051, 103.3051)
    inspect(session, bin_row, Condition.missing, at(1))
    (order,) = orders(session)
    answer = client.post(
        f"/api/v1/work-orders/{order.id}/assign",
        json={"assignee_id": place.head.id},
        headers=auth(place.staff_token),
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "assignee_id"
    missing = client.post(
        "/api/v1/work-orders/999999/done",
        json={"mark_id": "mark-missing-01"},
        headers=auth(place.staff_token),
    )
    assert missing.status_code == 404
