"""The service side per subdistrict: work orders, residents' reports (staff side), Open311 and
Traffy. B's staff, viewer and admin never see A's orders or reports, get 404 on them, and their
writes change nothing; Open311's ``jurisdiction_id`` filters by subdistrict and a partner key
tied to one subdistrict cannot send another's request."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput, NotFound
from fieldsvc.models import CitizenReport, CitizenReportEvent, Condition, TraffyTicket, WorkOrder
from fieldsvc.models.work_order import WorkOrderEvent
from fieldsvc.services.citizen_reports import ReportDraft, accept_report
from fieldsvc.services.citizen_triage import village_counts
from fieldsvc.services.open311_keys import add_partner_key
from fieldsvc.services.traffy import import_traffy
from fieldsvc.storage.traffy import traffy_frame
from tests.intake.conftest import add_bin
from tests.tenancy.conftest import TwoSubdistricts
from tests.work_orders.conftest import at, inspect

#: A point in A's หมู่ 1 and one in B's หมู่ 1 (B's villages share A's numbers).
A_POINT = (103.305, 16.305)
B_POINT = (103.345, 16.305)
ROLES = ("staff", "viewer", "admin")


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Service:
    two: TwoSubdistricts
    order_a: WorkOrder
    order_b: WorkOrder
    ticket_a: str
    ticket_b: str


def _report(session: Session, settings: Settings, point: tuple[float, float]) -> str:
    draft = ReportDraft(
        kind="bin_broken", lon=point[0], lat=point[1], description="ถังแตก", contact_name="นายแจ้ง"
    )
    return accept_report(session=session, draft=draft, settings=settings).ticket


@pytest.fixture
def public_settings(settings: Settings) -> Settings:
    """Reports public at once (Open311 answers public reports only)."""
    return settings.model_copy(update={"citizen_reports_public_at_once": True})


@pytest.fixture
def service(session: Session, two: TwoSubdistricts, public_settings: Settings) -> Service:
    bin_a = add_bin(session, "SA-0001", A_POINT[1], A_POINT[0])
    bin_b = add_bin(session, "SB-0001", B_POINT[1], B_POINT[0])
    inspect(session, bin_a, Condition.damaged, at(1))
    inspect(session, bin_b, Condition.damaged, at(2))
    by_bin = {o.bin_id: o for o in session.exec(select(WorkOrder))}
    return Service(
        two=two,
        order_a=by_bin[bin_a.id or 0],
        order_b=by_bin[bin_b.id or 0],
        ticket_a=_report(session, public_settings, A_POINT),
        ticket_b=_report(session, public_settings, B_POINT),
    )


@pytest.fixture
def client(engine: Engine, public_settings: Settings) -> Iterator[TestClient]:
    app = create_app(public_settings, engine=engine)
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def _order_state(engine: Engine, order_id: int) -> tuple[str, int | None, int]:
    with Session(engine) as fresh:
        order = fresh.get(WorkOrder, order_id)
        assert order is not None
        events = fresh.exec(
            select(func.count())
            .select_from(WorkOrderEvent)
            .where(WorkOrderEvent.order_id == order_id)
        ).one()
        return str(order.status), order.assigned_to_id, int(events)


def _report_state(engine: Engine, ticket: str) -> tuple[str, str, str | None, int | None, int]:
    with Session(engine) as fresh:
        report = fresh.exec(select(CitizenReport).where(CitizenReport.ticket == ticket)).one()
        events = fresh.exec(
            select(func.count())
            .select_from(CitizenReportEvent)
            .where(CitizenReportEvent.report_id == report.id)
        ).one()
        return (
            str(report.status),
            str(report.visibility),
            report.public_reply,
            report.bin_id,
            int(events),
        )


# --- work orders -----------------------------------------------------------------------------


def test_rows_land_in_their_subdistrict(service: Service) -> None:
    a_id, b_id = service.two.a.subdistrict.id, service.two.b.subdistrict.id
    assert (service.order_a.subdistrict_id, service.order_b.subdistrict_id) == (a_id, b_id)


def test_each_subdistricts_staff_list_only_its_own_orders(
    client: TestClient, service: Service
) -> None:
    for side, mine, other in (
        (service.two.a, service.order_a, service.order_b),
        (service.two.b, service.order_b, service.order_a),
    ):
        for role in ROLES:
            board = client.get("/api/v1/work-orders", headers=auth(side.tokens[role]))
            assert board.status_code == 200, (role, board.text)
            assert [o["id"] for o in board.json()["orders"]] == [mine.id], role
            page = client.get("/staff/work-orders", headers=auth(side.tokens[role]))
            assert page.status_code == 200
            assert f'data-order="{mine.id}"' in page.text
            assert f'data-order="{other.id}"' not in page.text
    province = auth(service.two.provincial_token)
    for code, order in (("999901", service.order_a), ("999902", service.order_b)):
        board = client.get(f"/api/v1/work-orders?subdistrict={code}", headers=province).json()
        assert [o["id"] for o in board["orders"]] == [order.id]


def test_another_subdistricts_order_is_404_and_unchanged(
    client: TestClient, engine: Engine, service: Service
) -> None:
    order_id = service.order_a.id or 0
    before = _order_state(engine, order_id)
    b = service.two.b
    for role in ROLES:
        events = client.get(f"/api/v1/work-orders/{order_id}/events", headers=auth(b.tokens[role]))
        assert events.status_code == 404, role
        assert events.json()["error"]["field"] == "order_id"
    for role in ("staff", "admin"):
        headers = auth(b.tokens[role])
        tries = [
            client.post(
                f"/api/v1/work-orders/{order_id}/assign",
                json={"assignee_id": b.users[role].id},
                headers=headers,
            ),
            client.post(
                f"/api/v1/work-orders/{order_id}/done",
                json={"mark_id": f"mark-other-{role}"},
                headers=headers,
            ),
            client.post(f"/api/v1/work-orders/{order_id}/cancel", json={}, headers=headers),
            client.post(
                f"/staff/work-orders/{order_id}/assign",
                data={"assignee_id": str(b.users[role].id)},
                headers=headers,
            ),
            client.post(f"/staff/work-orders/{order_id}/cancel", data={}, headers=headers),
        ]
        assert [t.status_code for t in tries] == [404] * 5, role
    assert _order_state(engine, order_id) == before
    # A's own staff still may
    done = client.post(
        f"/api/v1/work-orders/{order_id}/done",
        json={"mark_id": "mark-own-0001"},
        headers=auth(service.two.a.tokens["staff"]),
    )
    assert done.status_code == 200 and done.json()["order"]["status"] == "done"


def test_an_assignee_must_work_for_the_orders_subdistrict(
    client: TestClient, engine: Engine, service: Service
) -> None:
    order_id = service.order_a.id or 0
    before = _order_state(engine, order_id)
    refused = client.post(
        f"/api/v1/work-orders/{order_id}/assign",
        json={"assignee_id": service.two.b.users["staff"].id},
        headers=auth(service.two.a.tokens["staff"]),
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "assignee_id"
    assert _order_state(engine, order_id) == before
    page = client.get("/staff/work-orders", headers=auth(service.two.a.tokens["staff"]))
    assert "staff ข" not in page.text  # B's staff is not offered as an assignee
    given = client.post(
        f"/api/v1/work-orders/{order_id}/assign",
        json={"assignee_id": service.two.a.users["staff"].id},
        headers=auth(service.two.a.tokens["admin"]),
    )
    assert given.status_code == 200
    assert given.json()["order"]["assigned_to_id"] == service.two.a.users["staff"].id


# --- residents' reports, staff side -----------------------------------------------------------


def test_each_subdistricts_staff_list_only_its_own_reports(
    client: TestClient, service: Service
) -> None:
    for side, mine, other in (
        (service.two.a, service.ticket_a, service.ticket_b),
        (service.two.b, service.ticket_b, service.ticket_a),
    ):
        for role in ROLES:
            queue = client.get(
                "/api/v1/citizen/reports?status=all", headers=auth(side.tokens[role])
            )
            assert queue.status_code == 200
            assert [r["ticket"] for r in queue.json()["reports"]] == [mine], role
            villages = {c["village_id"] for c in queue.json()["open_by_village"]}
            assert villages <= set(side.village_ids.values()) | {None}
            page = client.get("/staff/reports?status=all", headers=auth(side.tokens[role]))
            assert page.status_code == 200
            assert mine in page.text and other not in page.text, role


def test_village_counts_of_one_subdistrict(session: Session, service: Service) -> None:
    b = service.two.b
    counts = village_counts(session=session, subdistrict_id=b.subdistrict.id)
    assert {c.village_id for c in counts} == set(b.village_ids.values())
    assert sum(c.open_reports for c in counts) == 1
    every = village_counts(session=session)  # the single-office call is unchanged
    assert sum(c.open_reports for c in every) == 2


def test_another_subdistricts_report_is_404_and_unchanged(
    client: TestClient, engine: Engine, service: Service
) -> None:
    ticket = service.ticket_a
    before = _report_state(engine, ticket)
    b = service.two.b
    for role in ROLES:
        headers = auth(b.tokens[role])
        assert client.get(f"/api/v1/citizen/reports/{ticket}", headers=headers).status_code == 404
        assert client.get(f"/staff/reports/{ticket}", headers=headers).status_code == 404
        photo = client.get(f"/api/v1/citizen/reports/{ticket}/photo", headers=headers)
        assert photo.status_code == 404
        assert photo.json()["error"]["field"] == "ticket"
    for role in ("staff", "admin"):
        headers = auth(b.tokens[role])
        tries = [
            client.post(
                f"/api/v1/citizen/reports/{ticket}/triage",
                json={"action": "reply", "text": "รับเรื่องแล้ว"},
                headers=headers,
            ),
            client.post(
                f"/api/v1/citizen/reports/{ticket}/triage",
                json={"action": "link", "bin_code": "SB-0001"},
                headers=headers,
            ),
            client.post(
                f"/api/v1/citizen/reports/{ticket}/moderation",
                json={"action": "hide"},
                headers=headers,
            ),
            client.post(
                f"/staff/reports/{ticket}",
                data={"action": "status", "status": "done"},
                headers=headers,
            ),
            # merging B's own report into A's: A's report is not found for B
            client.post(
                f"/api/v1/citizen/reports/{service.ticket_b}/triage",
                json={"action": "merge", "original_ticket": ticket},
                headers=headers,
            ),
        ]
        assert [t.status_code for t in tries] == [404] * 5, role
    assert _report_state(engine, ticket) == before
    assert _report_state(engine, service.ticket_b)[4] == 1  # only its "created" event


def test_a_report_links_only_to_a_bin_of_its_own_subdistrict(
    client: TestClient, engine: Engine, service: Service
) -> None:
    headers = auth(service.two.provincial_token)  # sees both subdistricts
    before = _report_state(engine, service.ticket_a)
    other = client.post(
        f"/api/v1/citizen/reports/{service.ticket_a}/triage",
        json={"action": "link", "bin_code": "SB-0001"},
        headers=headers,
    )
    assert other.status_code == 404 and other.json()["error"]["field"] == "bin_code"
    merged = client.post(
        f"/api/v1/citizen/reports/{service.ticket_b}/triage",
        json={"action": "merge", "original_ticket": service.ticket_a},
        headers=headers,
    )
    assert merged.status_code == 409
    assert _report_state(engine, service.ticket_a) == before
    own = client.post(
        f"/api/v1/citizen/reports/{service.ticket_a}/triage",
        json={"action": "link", "bin_code": "SA-0001"},
        headers=auth(service.two.a.tokens["staff"]),
    )
    assert own.status_code == 200 and own.json()["bin_code"] == "SA-0001"


def test_nearby_reports_stay_within_the_points_subdistrict(
    engine: Engine, public_settings: Settings, service: Service
) -> None:
    wide = public_settings.model_copy(update={"citizen_duplicate_radius_m": 10_000.0})
    with TestClient(create_app(wide, engine=engine)) as wide_client:
        at_b = wide_client.get(
            "/report/nearby",
            params={"lon": B_POINT[0], "lat": B_POINT[1], "kind": "bin_broken"},
        )
        at_a = wide_client.get(
            "/report/nearby",
            params={"lon": A_POINT[0], "lat": A_POINT[1], "kind": "bin_broken"},
        )
    assert [r["ticket"] for r in at_b.json()] == [service.ticket_b]
    assert [r["ticket"] for r in at_a.json()] == [service.ticket_a]


# --- Open311 -------------------------------------------------------------------------------------


def test_open311_jurisdiction_filters_requests(client: TestClient, service: Service) -> None:
    every = client.get("/open311/v2/requests.json").json()
    assert {r["service_request_id"] for r in every} == {service.ticket_a, service.ticket_b}
    for code, ticket, other in (
        ("999901", service.ticket_a, service.ticket_b),
        ("999902", service.ticket_b, service.ticket_a),
    ):
        found = client.get(f"/open311/v2/requests.json?jurisdiction_id={code}").json()
        assert [r["service_request_id"] for r in found] == [ticket]
        by_id = client.get(
            "/open311/v2/requests.json",
            params={"jurisdiction_id": code, "service_request_id": f"{ticket},{other}"},
        ).json()
        assert [r["service_request_id"] for r in by_id] == [ticket]
        one = client.get(f"/open311/v2/requests/{other}.json?jurisdiction_id={code}")
        assert one.status_code == 404
        assert one.json()[0]["description"].startswith("service_request_id")
        assert client.get(f"/open311/v2/services.json?jurisdiction_id={code}").status_code == 200
    unknown = client.get("/open311/v2/requests.json?jurisdiction_id=123456")
    assert unknown.status_code == 404
    (error,) = unknown.json()
    assert error["code"] == 404 and error["description"].startswith("jurisdiction_id")
    assert "999901" in error["description"] and "999902" in error["description"]
    xml = client.get("/open311/v2/services.xml?jurisdiction_id=123456")
    assert xml.status_code == 404 and "<errors><error><code>404</code>" in xml.text
    discovery = client.get("/open311/v2/discovery.json").json()
    assert len(discovery["endpoints"]) == 1


def test_a_key_of_one_subdistrict_cannot_send_anothers_request(
    client: TestClient, session: Session, service: Service
) -> None:
    record, key = add_partner_key(session=session, name="แอป ก", subdistrict_code="999901")
    session.commit()
    assert record.subdistrict_id == service.two.a.subdistrict.id
    count_before = session.exec(select(func.count()).select_from(CitizenReport)).one()
    sent = {"api_key": key, "service_code": "bin_full"}
    refused = client.post(
        "/open311/v2/requests.json",
        data={**sent, "lat": str(B_POINT[1]), "long": str(B_POINT[0])},
    )
    assert refused.status_code == 400
    assert refused.json()[0]["description"].startswith("lat")
    assert session.exec(select(func.count()).select_from(CitizenReport)).one() == count_before
    accepted = client.post(
        "/open311/v2/requests.json",
        data={**sent, "lat": str(A_POINT[1]), "long": str(A_POINT[0])},
    )
    assert accepted.status_code == 201, accepted.text
    ticket = accepted.json()[0]["service_request_id"]
    stored = session.exec(select(CitizenReport).where(CitizenReport.ticket == ticket)).one()
    assert stored.subdistrict_id == service.two.a.subdistrict.id
    # an untied key sends anywhere, but a jurisdiction_id given must hold the point
    _, any_key = add_partner_key(session=session, name="แอปจังหวัด")
    session.commit()
    mismatch = client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": any_key,
            "service_code": "bin_full",
            "jurisdiction_id": "999901",
            "lat": str(B_POINT[1]),
            "long": str(B_POINT[0]),
        },
    )
    assert mismatch.status_code == 400 and mismatch.json()[0]["description"].startswith("lat")
    anywhere = client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": any_key,
            "service_code": "bin_full",
            "lat": str(B_POINT[1]),
            "long": str(B_POINT[0]),
        },
    )
    assert anywhere.status_code == 201
    with pytest.raises(NotFound):
        add_partner_key(session=session, name="แอปผิด", subdistrict_code="123456")


def test_open311_key_add_cli_takes_a_subdistrict(
    session: Session, two: TwoSubdistricts, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    from fieldsvc.cli.main import main
    from fieldsvc.models import Open311Key

    add = ["open311", "key", "add", "แอปตำบลโนนสูง", "--subdistrict", "999902"]
    code = main(add, settings=settings)
    assert code == 0 and "999902" in capsys.readouterr().out
    session.expire_all()
    key = session.exec(select(Open311Key).where(Open311Key.name == "แอปตำบลโนนสูง")).one()
    assert key.subdistrict_id == two.b.subdistrict.id
    assert main(["open311", "key", "list"], settings=settings) == 0
    assert "999902" in capsys.readouterr().out


# --- Traffy ------------------------------------------------------------------------------------


def _traffy_csv(path: Path) -> Path:
    columns = [
        "ticket_id",
        "type",
        "organization",
        "comment",
        "photo",
        "photo_after",
        "coords",
        "address",
        "subdistrict",
        "district",
        "province",
        "timestamp",
        "state",
        "star",
        "count_reopen",
        "last_activity",
    ]
    stamp = "2024-03-01 08:15:42.123456+00"
    rows = [
        ("TA-001", A_POINT),
        ("TB-001", B_POINT),
        ("TB-002", (B_POINT[0] + 0.01, B_POINT[1])),
    ]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=columns)
        writer.writeheader()
        for ticket_id, (lon, lat) in rows:
            writer.writerow(
                {
                    **dict.fromkeys(columns, ""),
                    "ticket_id": ticket_id,
                    "type": "{ความสะอาด}",
                    "comment": "ขยะล้นถัง",
                    "coords": f"{lon},{lat}",
                    "timestamp": stamp,
                    "state": "รอรับเรื่อง",
                    "count_reopen": "0",
                    "last_activity": stamp,
                }
            )
    return path


def test_traffy_import_names_its_subdistrict(
    session: Session, two: TwoSubdistricts, tmp_path: Path
) -> None:
    path = _traffy_csv(tmp_path / "traffy.csv")
    with pytest.raises(InvalidInput) as unnamed:
        import_traffy(session=session, path=path)
    assert unnamed.value.field == "subdistrict_code"
    assert "2" in unnamed.value.message_en  # "This install serves 2 subdistricts: say which"
    with pytest.raises(NotFound):
        import_traffy(session=session, path=path, subdistrict_code="123456")
    outcome = import_traffy(session=session, path=path, subdistrict_code="999902")
    assert (outcome.added, outcome.outside) == (2, 1)
    stored = {t.ticket_id: t.subdistrict_id for t in session.exec(select(TraffyTicket))}
    assert stored == {"TB-001": two.b.subdistrict.id, "TB-002": two.b.subdistrict.id}
    import_traffy(session=session, path=path, subdistrict_code="999901")
    frame_a = traffy_frame(session=session, subdistrict_id=two.a.subdistrict.id)
    frame_b = traffy_frame(session=session, subdistrict_id=two.b.subdistrict.id)
    assert list(frame_a["ticket_id"]) == ["TA-001"]
    assert sorted(frame_b["ticket_id"]) == ["TB-001", "TB-002"]
    assert len(traffy_frame(session=session)) == 3


def test_reports_made_here_carry_no_contact_to_other_staff(
    client: TestClient, service: Service
) -> None:
    """The contact of A's resident is on A's report page and nowhere in B's answers."""
    a_page = client.get(
        f"/api/v1/citizen/reports/{service.ticket_a}", headers=auth(service.two.a.tokens["staff"])
    )
    assert a_page.json()["contact"]["name"] == "นายแจ้ง"
    b_queue = client.get(
        "/api/v1/citizen/reports?status=all", headers=auth(service.two.b.tokens["staff"])
    )
    assert service.ticket_a not in b_queue.text
