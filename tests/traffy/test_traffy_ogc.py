"""The tickets as the staff-only OGC API collection ``traffy-tickets``: staff, admins and
viewers read it; anonymous callers get 401 and village heads 403 (comments can name people)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import Role, TraffyTicket, Village
from fieldsvc.services import public_data
from fieldsvc.services.traffy import import_traffy
from fieldsvc.storage.users import create_user
from tests.real_formats.make_traffy import TICKETS, expected, write_traffy_csv

URL = "/ogc/collections/traffy-tickets/items"


@pytest.fixture
def tokens(wiang: Session, folder: Path) -> Iterator[dict[str, str]]:
    public_data.clear_cache()
    import_traffy(session=wiang, path=write_traffy_csv(folder / "bangkok_traffy.csv"))
    village_1 = wiang.exec(select(Village).where(Village.number == 1)).one()
    made = {}
    for role in (Role.health_staff, Role.viewer, Role.village_head, Role.admin):
        villages = [village_1.id or 0] if role == Role.village_head else []
        _user, made[role.value] = create_user(
            session=wiang,
            username=role.value,
            display_name=role.value,
            role=role,
            village_ids=villages,
        )
    wiang.commit()
    yield made
    public_data.clear_cache()


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_staff_read_the_kept_tickets_with_their_villages(
    client: TestClient, tokens: dict[str, str]
) -> None:
    answer = client.get(URL, headers=_auth(tokens["health_staff"]))
    assert answer.status_code == 200
    features = answer.json()["features"]
    by_ticket = {f["properties"]["ticket_id"]: f for f in features}
    assert sorted(by_ticket) == sorted(expected("kept"))
    for ticket in TICKETS:
        if ticket.expected == "kept":
            feature = by_ticket[ticket.ticket_id]
            assert feature["properties"]["village_number"] == ticket.village
            lon, lat = (float(v) for v in ticket.coords.split(","))
            assert feature["geometry"]["coordinates"] == pytest.approx([lon, lat])
    assert by_ticket["2024-WIA004"]["properties"]["state"] == "กำลังดำเนินการ"
    assert by_ticket["2024-WIA001"]["properties"]["reported_at"] == "2024-03-01T08:15:42.123456Z"
    one = client.get(f"{URL}?village_number=2", headers=_auth(tokens["viewer"]))
    assert [f["properties"]["ticket_id"] for f in one.json()["features"]] == ["2024-WIA002"]


def test_anonymous_callers_and_village_heads_cannot_read_them(
    client: TestClient, tokens: dict[str, str], wiang: Session
) -> None:
    assert client.get(URL).status_code == 401
    assert client.get(URL, headers=_auth(tokens["village_head"])).status_code == 403
    assert client.get(URL, headers=_auth(tokens["admin"])).status_code == 200
    listed = client.get("/ogc/collections").json()["collections"]
    assert "traffy-tickets" not in [c["id"] for c in listed]
    first = wiang.exec(select(TraffyTicket)).first()
    assert first is not None
    assert client.get(f"{URL}/{first.id}").status_code == 401
    item = client.get(f"{URL}/{first.id}", headers=_auth(tokens["health_staff"]))
    assert item.json()["properties"]["ticket_id"] == first.ticket_id
