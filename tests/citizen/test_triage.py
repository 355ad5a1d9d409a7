"""Staff triage of residents' reports: the queue and its filters, the nearest registered bins,
link / unlink / merge / reply / status / reopen as events with who and when, the merged
duplicate's status page, the report as evidence on the bin's history, who may do what, and no
contact on any public answer after triage."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pyproj import Geod
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from fieldsvc.config import Settings
from fieldsvc.models import Bin, BinCreate, CitizenReport, CitizenReportEvent, Inspection
from fieldsvc.models.citizen import ReportVisibility
from fieldsvc.models.work_order import WorkOrder, WorkOrderEvent
from fieldsvc.services.citizen_reports import ReportDraft, accept_report
from fieldsvc.storage.media import store_media
from fieldsvc.storage.open311_keys import add_key
from fieldsvc.storage.register import create_bin
from tests.intake.conftest import VILLAGE_CENTRES, Place, jpeg_bytes

LAT, LON = VILLAGE_CENTRES[1]
LAT2, LON2 = VILLAGE_CENTRES[2]
NAME, PHONE, EMAIL = "นายแจ้ง ใจดี", "0812345678", "jaeng@example.org"
AppFor = Callable[..., TestClient]
GEOD = Geod(ellps="WGS84")

#: Registered bins around village 1's centre: two within the 100 m suggestion radius.
BINS = {
    "A-0001": (LAT + 0.0003, LON),  # ≈ 33 m north
    "A-0002": (LAT, LON + 0.0006),  # ≈ 64 m east
    "A-0003": (LAT + 0.002, LON),  # ≈ 221 m north: too far to suggest
    "B-0001": (LAT2, LON2),
}


def _geod_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance on the WGS 84 ellipsoid (pyproj)."""
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def _sphere_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine on the mean-radius sphere, written out here (not the app's function)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


@dataclass
class Triage:
    place: Place
    client: TestClient
    tickets: dict[str, str]
    admin_token: str

    def headers(self, role: str) -> dict[str, str]:
        token = {
            "staff": self.place.staff_token,
            "admin": self.admin_token,
            "viewer": self.place.viewer_token,
            "head": self.place.head_token,
        }.get(role)
        return {"Authorization": f"Bearer {token}"} if token else {}

    def act(self, ticket: str, role: str = "staff", **body: Any) -> Any:
        return self.client.post(
            f"/api/v1/citizen/reports/{ticket}/triage", json=body, headers=self.headers(role)
        )


def _report(
    session: Session,
    settings: Settings,
    *,
    kind: str,
    lat: float,
    lon: float,
    public: bool = True,
    hours_ago: float = 0,
    **extra: Any,
) -> str:
    changed = settings.model_copy(update={"citizen_reports_public_at_once": public})
    report = accept_report(
        session=session,
        draft=ReportDraft(kind=kind, lon=lon, lat=lat, **extra),
        settings=changed,
    )
    report.created_at = datetime(2026, 11, 30, 12, 0, tzinfo=UTC) - timedelta(hours=hours_ago)
    session.add(report)
    session.commit()
    return report.ticket


@pytest.fixture
def triage(app_for: AppFor, place: Place, engine: Engine, settings: Settings) -> Triage:
    from fieldsvc.models import Role
    from fieldsvc.storage.users import create_user

    with Session(engine, expire_on_commit=False) as session:
        for code, (lat, lon) in BINS.items():
            create_bin(
                session=session,
                bin_in=BinCreate(
                    code=code,
                    lat=lat,
                    lon=lon,
                    capacity_l=200,
                    stream="general",
                    condition="usable",
                ),
            )
        _, admin_token = create_user(
            session=session, username="boss", display_name="ปลัด", role=Role.admin
        )
        session.commit()
        tickets = {
            # the oldest first: "full" 30 h ago … "dump2" now
            "full": _report(
                session,
                settings,
                kind="bin_full",
                lat=LAT,
                lon=LON,
                hours_ago=30,
                contact_name=NAME,
                contact_phone=PHONE,
                contact_email=EMAIL,
            ),
            "broken": _report(
                session, settings, kind="bin_broken", lat=LAT, lon=LON + 0.0005, hours_ago=20
            ),
            "pending": _report(
                session, settings, kind="bin_full", lat=LAT, lon=LON, public=False, hours_ago=10
            ),
            "dump2": _report(
                session,
                settings,
                kind="dumping",
                lat=LAT2,
                lon=LON2,
                hours_ago=0,
                contact_phone=PHONE,
            ),
        }
    return Triage(place, app_for(), tickets, admin_token)


def _queue(triage: Triage, role: str = "staff", **params: str) -> list[str]:
    answer = triage.client.get(
        "/api/v1/citizen/reports", params=params, headers=triage.headers(role)
    )
    assert answer.status_code == 200, answer.text
    return [r["ticket"] for r in answer.json()["reports"]]


def _events(engine: Engine, ticket: str) -> list[tuple[str, str | None, int | None]]:
    with Session(engine) as session:
        report = session.exec(select(CitizenReport).where(CitizenReport.ticket == ticket)).one()
        query = select(CitizenReportEvent).where(CitizenReportEvent.report_id == report.id)
        return [
            (e.action, e.detail, e.actor_id)
            for e in session.exec(query.order_by(CitizenReportEvent.id))
        ]


def _row(engine: Engine, ticket: str) -> CitizenReport:
    with Session(engine) as session:
        return session.exec(select(CitizenReport).where(CitizenReport.ticket == ticket)).one()


# --- the queue ---------------------------------------------------------------------------------


def test_the_queue_filters_by_kind_status_village_and_visibility_in_either_order(
    triage: Triage,
) -> None:
    t = triage.tickets
    newest = [t["dump2"], t["pending"], t["broken"], t["full"]]
    assert _queue(triage) == newest
    assert _queue(triage, order="oldest") == newest[::-1]
    assert _queue(triage, kind="bin_full") == [t["pending"], t["full"]]
    assert _queue(triage, visibility="pending") == [t["pending"]]
    assert _queue(triage, visibility="public", kind="bin_full") == [t["full"]]
    village_2 = str(triage.place.village_ids[2])
    assert _queue(triage, village_id=village_2) == [t["dump2"]]
    assert _queue(triage, status="done") == []
    triage.act(t["broken"], action="status", status="done")
    assert _queue(triage) == [t["dump2"], t["pending"], t["full"]]
    assert _queue(triage, status="done") == [t["broken"]]
    assert _queue(triage, status="all", order="oldest") == newest[::-1]
    bad = triage.client.get(
        "/api/v1/citizen/reports", params={"status": "closed"}, headers=triage.headers("staff")
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "status"


def test_the_queue_suggests_the_nearest_registered_bins_with_their_distances(
    triage: Triage,
) -> None:
    answer = triage.client.get(
        f"/api/v1/citizen/reports/{triage.tickets['full']}", headers=triage.headers("staff")
    )
    suggested = answer.json()["suggested_bins"]
    assert [s["code"] for s in suggested] == ["A-0001", "A-0002"]  # A-0003 is 221 m away
    for s in suggested:
        lat, lon = BINS[s["code"]]
        assert s["distance_m"] == pytest.approx(_sphere_m(LAT, LON, lat, lon), abs=0.06)
        # within 1 % of the ellipsoid's answer (a sphere is a little long north-south here)
        assert s["distance_m"] == pytest.approx(_geod_m(LAT, LON, lat, lon), rel=0.01)
    # 0.0003° of latitude and 0.0006° of longitude at 16.305° N, by hand on the sphere
    assert suggested[0]["distance_m"] == pytest.approx(33.36, abs=0.06)
    assert suggested[1]["distance_m"] == pytest.approx(64.04, abs=0.06)
    # the report 53 m east of the centre: A-0002 (11 m) first, then A-0001 (≈ 63 m)
    broken = triage.client.get(
        f"/api/v1/citizen/reports/{triage.tickets['broken']}", headers=triage.headers("staff")
    ).json()["suggested_bins"]
    assert [s["code"] for s in broken] == ["A-0002", "A-0001"]
    assert broken[0]["distance_m"] == pytest.approx(
        _sphere_m(LAT, LON + 0.0005, *BINS["A-0002"]), abs=0.06
    )


def test_open_reports_are_counted_per_village(triage: Triage) -> None:
    answer = triage.client.get("/api/v1/citizen/reports", headers=triage.headers("staff"))
    counts = {c["number"]: c["open_reports"] for c in answer.json()["open_by_village"]}
    assert counts == {1: 3, 2: 1, 3: 0}
    triage.act(triage.tickets["pending"], action="merge", original_ticket=triage.tickets["full"])
    triage.act(triage.tickets["broken"], action="status", status="done")
    answer = triage.client.get("/api/v1/citizen/reports", headers=triage.headers("staff"))
    counts = {c["number"]: c["open_reports"] for c in answer.json()["open_by_village"]}
    assert counts == {1: 1, 2: 1, 3: 0}


# --- actions -----------------------------------------------------------------------------------


def test_link_and_unlink_are_events_and_the_report_is_evidence_on_the_bin_history(
    triage: Triage, engine: Engine
) -> None:
    ticket = triage.tickets["full"]
    with Session(engine) as session:
        inspections_before = len(session.exec(select(Inspection)).all())
    linked = triage.act(ticket, action="link", bin_code="A-0001")
    assert linked.status_code == 200, linked.text
    assert linked.json()["bin_code"] == "A-0001"
    staff_id = triage.place.staff.id
    assert _events(engine, ticket)[-2] == ("link", "A-0001", staff_id)
    assert _events(engine, ticket)[-1][0] == "work_order"  # bin_full: extra collection
    # the bin's history (JSON and page) shows the report; no inspection was written
    bin_json = triage.client.get("/api/v1/bins/A-0001", headers=triage.headers("staff")).json()
    assert [r["ticket"] for r in bin_json["citizen_reports"]] == [ticket]
    assert "contact_name" not in bin_json["citizen_reports"][0]
    page = triage.client.get("/staff/bins/A-0001", headers=triage.headers("staff"))
    assert ticket in page.text and "เรื่องที่ประชาชนแจ้งเกี่ยวกับถังนี้" in page.text
    assert NAME not in page.text and PHONE not in page.text
    with Session(engine) as session:
        assert len(session.exec(select(Inspection)).all()) == inspections_before
        condition = session.exec(select(Bin.condition).where(Bin.code == "A-0001")).one()
        assert condition == "usable"
    # relinking names the earlier bin; unlinking takes it off the history
    triage.act(ticket, action="link", bin_code="A-0002")
    assert _events(engine, ticket)[-2] == ("link", "A-0002 (เดิม A-0001)", staff_id)
    unlinked = triage.act(ticket, action="unlink")
    assert unlinked.status_code == 200 and unlinked.json()["bin_code"] is None
    assert _events(engine, ticket)[-1] == ("unlink", "A-0002", staff_id)
    bin_json = triage.client.get("/api/v1/bins/A-0002", headers=triage.headers("staff")).json()
    assert bin_json["citizen_reports"] == []
    again = triage.act(ticket, action="unlink")
    assert again.status_code == 409
    unknown = triage.act(ticket, action="link", bin_code="Z-9999")
    assert unknown.status_code == 404


def test_a_village_head_sees_only_public_linked_reports_on_the_bin_history(
    triage: Triage,
) -> None:
    triage.act(triage.tickets["full"], action="link", bin_code="A-0001")
    triage.act(triage.tickets["pending"], action="link", bin_code="A-0001")
    staff = triage.client.get("/api/v1/bins/A-0001", headers=triage.headers("staff")).json()
    head = triage.client.get("/api/v1/bins/A-0001", headers=triage.headers("head")).json()
    assert {r["ticket"] for r in staff["citizen_reports"]} == {
        triage.tickets["full"],
        triage.tickets["pending"],
    }
    assert [r["ticket"] for r in head["citizen_reports"]] == [triage.tickets["full"]]


def test_status_moves_close_with_closed_at_and_reopen(triage: Triage, engine: Engine) -> None:
    ticket = triage.tickets["full"]
    assert triage.act(ticket, action="status", status="in_progress").status_code == 200
    back = triage.act(ticket, action="status", status="received")
    assert back.status_code == 409 and back.json()["error"]["field"] == "status"
    before = datetime.now(UTC)
    closed = triage.act(ticket, action="status", status="done", role="admin")
    assert closed.status_code == 200 and closed.json()["status"] == "done"
    row = _row(engine, ticket)
    assert row.closed_at is not None and row.closed_at >= before - timedelta(seconds=1)
    assert triage.act(ticket, action="status", status="done").status_code == 409
    reopened = triage.act(ticket, action="reopen")
    assert reopened.status_code == 200 and reopened.json()["status"] == "in_progress"
    assert _row(engine, ticket).closed_at is None
    assert triage.act(ticket, action="reopen").status_code == 409  # not done
    with Session(engine) as session:
        from fieldsvc.models import User

        admin_id = session.exec(select(User.id).where(User.username == "boss")).one()
    staff_id = triage.place.staff.id
    assert _events(engine, ticket)[1:] == [
        ("status", "received→in_progress", staff_id),
        ("status", "in_progress→done", admin_id),
        ("reopen", "done→in_progress", staff_id),
    ]
    # every event has a time, in order
    with Session(engine) as session:
        times = [e.at for e in session.exec(select(CitizenReportEvent))]
    assert all(t is not None for t in times)
    # received → done at once (nothing to do) is allowed
    direct = triage.act(triage.tickets["broken"], action="status", status="done")
    assert direct.status_code == 200


def test_a_public_reply_shows_on_the_status_page_and_in_open311(
    triage: Triage, engine: Engine
) -> None:
    ticket = triage.tickets["full"]
    reply = "รถเก็บขยะจะเข้าเก็บวันพรุ่งนี้ เวลา 9 โมง"
    answer = triage.act(ticket, action="reply", text=f"  {reply} ")
    assert answer.status_code == 200 and answer.json()["public_reply"] == reply
    assert _events(engine, ticket)[-1] == ("reply", reply, triage.place.staff.id)
    row = _row(engine, ticket)
    page = triage.client.get(f"/report/t/{ticket}?k={row.access_key}")
    assert reply in page.text
    open311 = triage.client.get(f"/open311/v2/requests/{ticket}.json").json()
    assert open311[0]["status_notes"] == reply
    assert triage.act(ticket, action="reply", text="   ").status_code == 422


def test_a_merged_duplicate_follows_its_original_on_the_status_page(
    triage: Triage, engine: Engine
) -> None:
    original, duplicate = triage.tickets["full"], triage.tickets["pending"]
    merged = triage.act(duplicate, action="merge", original_ticket=original)
    assert merged.status_code == 200 and merged.json()["duplicate_of"] == original
    assert _events(engine, duplicate)[-1] == ("merge", original, triage.place.staff.id)
    assert _events(engine, original)[-1] == ("supported", duplicate, triage.place.staff.id)
    # the queue lists the original only, with its duplicate
    assert duplicate not in _queue(triage)
    shown = triage.client.get(
        f"/api/v1/citizen/reports/{original}", headers=triage.headers("staff")
    ).json()
    assert shown["duplicates"] == [duplicate]
    # the office works the original; the duplicate's resident sees its progress and reply
    triage.act(original, action="reply", text="ซ่อมเสร็จแล้ว")
    triage.act(original, action="status", status="done")
    key = _row(engine, duplicate).access_key
    page = triage.client.get(f"/report/t/{duplicate}?k={key}")
    assert page.status_code == 200
    assert "ซ่อมเสร็จแล้ว" in page.text and original in page.text
    assert 'class="reached current">เสร็จแล้ว' in page.text
    # a merged duplicate takes no action of its own; no chain, no self-merge
    assert triage.act(duplicate, action="reply", text="x").status_code == 409
    assert triage.act(original, action="merge", original_ticket=original).status_code == 409
    third = triage.tickets["broken"]
    chained = triage.act(third, action="merge", original_ticket=duplicate)
    assert chained.status_code == 409


def test_merging_a_report_that_has_duplicates_moves_them_to_the_new_original(
    triage: Triage, engine: Engine
) -> None:
    t = triage.tickets
    triage.act(t["pending"], action="merge", original_ticket=t["full"])
    triage.act(t["full"], action="merge", original_ticket=t["broken"])
    assert _row(engine, t["pending"]).duplicate_of_id == _row(engine, t["broken"]).id
    assert _row(engine, t["full"]).duplicate_of_id == _row(engine, t["broken"]).id


# --- who may ---------------------------------------------------------------------------------

WRITES = [
    {"action": "link", "bin_code": "A-0001"},
    {"action": "unlink"},
    {"action": "merge", "original_ticket": "@other"},
    {"action": "reply", "text": "รับทราบ"},
    {"action": "status", "status": "in_progress"},
    {"action": "reopen"},
    {"action": "accept"},
    {"action": "hide"},
]


def _snapshot(engine: Engine) -> list[Any]:
    with Session(engine) as session:
        reports = [
            (r.ticket, r.bin_id, r.duplicate_of_id, r.status, r.public_reply, r.visibility)
            for r in session.exec(select(CitizenReport).order_by(CitizenReport.id))
        ]
        return [reports, len(session.exec(select(CitizenReportEvent)).all())]


@pytest.mark.parametrize("body", WRITES, ids=lambda b: b["action"])
@pytest.mark.parametrize("role", ["anonymous", "viewer", "head"])
def test_every_triage_write_is_refused_to_the_wrong_role(
    triage: Triage, engine: Engine, role: str, body: dict[str, str]
) -> None:
    ticket = triage.tickets["full"]  # in village 1: the head's own village
    if body.get("original_ticket") == "@other":
        body = {**body, "original_ticket": triage.tickets["broken"]}
    before = _snapshot(engine)
    api = triage.act(ticket, role=role, **body)
    triage.client.cookies.clear()
    form = triage.client.post(f"/staff/reports/{ticket}", data=body, headers=triage.headers(role))
    expected = 401 if role == "anonymous" else 403
    assert (api.status_code, form.status_code) == (expected, expected)
    assert _snapshot(engine) == before


def test_the_page_forms_act_as_the_api_does(triage: Triage, engine: Engine) -> None:
    ticket = triage.tickets["full"]
    headers = triage.headers("staff")
    sent = triage.client.post(
        f"/staff/reports/{ticket}", data={"action": "link", "bin_code": "A-0002"}, headers=headers
    )
    assert sent.status_code == 303 and sent.headers["location"] == f"/staff/reports/{ticket}"
    sent = triage.client.post(
        f"/staff/reports/{ticket}", data={"action": "accept"}, headers=headers
    )
    assert sent.status_code == 303
    assert [e[0] for e in _events(engine, ticket)][-3:] == ["link", "work_order", "moderation"]
    wrong = triage.client.post(
        f"/staff/reports/{ticket}", data={"action": "delete"}, headers=headers
    )
    assert wrong.status_code == 422


def test_reads_viewers_read_without_contacts_and_heads_are_refused(triage: Triage) -> None:
    ticket = triage.tickets["full"]
    staff = triage.client.get(f"/api/v1/citizen/reports/{ticket}", headers=triage.headers("staff"))
    assert staff.json()["contact"] == {
        "name": NAME,
        "phone": PHONE,
        "email": EMAIL,
        "erased_at": None,
    }
    viewer = triage.client.get(
        f"/api/v1/citizen/reports/{ticket}", headers=triage.headers("viewer")
    )
    assert viewer.status_code == 200 and "contact" not in viewer.json()
    assert PHONE not in viewer.text and NAME not in viewer.text
    page = triage.client.get(f"/staff/reports/{ticket}", headers=triage.headers("viewer"))
    assert page.status_code == 200 and PHONE not in page.text and 'name="action"' not in page.text
    page = triage.client.get(f"/staff/reports/{ticket}", headers=triage.headers("staff"))
    assert PHONE in page.text and 'name="action"' in page.text
    for path in ("/api/v1/citizen/reports", f"/api/v1/citizen/reports/{ticket}", "/staff/reports"):
        assert triage.client.get(path, headers=triage.headers("head")).status_code == 403
        triage.client.cookies.clear()
        assert triage.client.get(path).status_code == 401


def test_the_residents_photo_is_for_staff_only(
    triage: Triage, engine: Engine, settings: Settings
) -> None:
    ticket = triage.tickets["full"]
    photo = jpeg_bytes()
    with Session(engine) as session:
        row = session.exec(select(CitizenReport).where(CitizenReport.ticket == ticket)).one()
        row.photo_sha256 = store_media(settings=settings, data=photo)
        row.photo_media_type = "image/jpeg"
        session.add(row)
        session.commit()
    path = f"/api/v1/citizen/reports/{ticket}/photo"
    got = triage.client.get(path, headers=triage.headers("staff"))
    assert got.status_code == 200 and got.content == photo
    assert got.headers["content-type"] == "image/jpeg"
    assert triage.client.get(path, headers=triage.headers("head")).status_code == 403
    triage.client.cookies.clear()
    assert triage.client.get(path).status_code == 401
    none = f"/api/v1/citizen/reports/{triage.tickets['broken']}/photo"
    assert triage.client.get(none, headers=triage.headers("staff")).status_code == 404


def test_no_public_answer_shows_a_contact_after_triage(triage: Triage, engine: Engine) -> None:
    t = triage.tickets
    with Session(engine) as session:
        _, key = add_key(session=session, name="แอปเมืองดี")
        session.commit()
    triage.act(t["full"], action="link", bin_code="A-0001")
    triage.act(t["full"], action="reply", text="รับเรื่องแล้ว")
    triage.act(t["full"], action="status", status="in_progress")
    triage.act(t["pending"], action="merge", original_ticket=t["full"])
    triage.act(t["dump2"], action="status", status="done")
    triage.act(t["dump2"], action="reopen")
    triage.client.cookies.clear()
    pages = [
        f"/report/t/{t['full']}?k={_row(engine, t['full']).access_key}",
        f"/report/t/{t['pending']}?k={_row(engine, t['pending']).access_key}",
        f"/report/t/{t['dump2']}?k={_row(engine, t['dump2']).access_key}",
        f"/report/nearby?lat={LAT}&lon={LON}&kind=bin_full",
        f"/open311/v2/requests.json?api_key={key}",
        "/open311/v2/requests.xml",
        f"/open311/v2/requests/{t['full']}.json",
        f"/open311/v2/requests/{t['dump2']}.xml",
        "/public",
    ]
    for path in pages:
        answer = triage.client.get(path)
        assert answer.status_code == 200, (path, answer.text)
        for secret in (NAME, PHONE, EMAIL, "jaeng"):
            assert secret not in answer.text, (path, secret)
    assert _row(engine, t["full"]).visibility == ReportVisibility.public


# --- work orders -------------------------------------------------------------------------------


def _orders(engine: Engine) -> list[tuple[str, str, str, str]]:
    """(bin code, kind, status, reason) of every work order, in the order opened."""
    with Session(engine) as session:
        rows = session.exec(
            select(Bin.code, WorkOrder.kind, WorkOrder.status, WorkOrder.reason)
            .join(Bin, col(Bin.id) == col(WorkOrder.bin_id))
            .order_by(col(WorkOrder.id))
        ).all()
        return [(c, str(k), str(s), r) for c, k, s, r in rows]


def test_linking_a_report_opens_or_joins_the_bins_work_order(
    triage: Triage, engine: Engine, settings: Settings
) -> None:
    t = triage.tickets
    with Session(engine) as session:
        missing = _report(session, settings, kind="bin_missing", lat=LAT, lon=LON, hours_ago=5)
        request = _report(session, settings, kind="bin_request", lat=LAT, lon=LON, hours_ago=4)
    assert _orders(engine) == []
    triage.act(t["full"], action="link", bin_code="A-0001")
    assert _orders(engine) == [("A-0001", "extra_collection", "open", "citizen_report")]
    with Session(engine) as session:
        order = session.exec(select(WorkOrder)).one()
        # the order's clock starts when the resident reported the problem
        assert order.opened_at == datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
        events = session.exec(
            select(WorkOrderEvent).where(WorkOrderEvent.order_id == order.id)
        ).all()
        assert [(e.actor_id, e.note) for e in events] == [(triage.place.staff.id, t["full"])]
    assert _events(engine, t["full"])[-1] == (
        "work_order",
        f"extra_collection #{order.id}",
        triage.place.staff.id,
    )
    # a second report of a full bin joins the open order: still one
    triage.act(t["pending"], action="link", bin_code="A-0001")
    assert _orders(engine) == [("A-0001", "extra_collection", "open", "citizen_report")]
    with Session(engine) as session:
        joined = session.exec(
            select(WorkOrderEvent).where(WorkOrderEvent.order_id == order.id)
        ).all()
        assert [e.note for e in joined] == [t["full"], t["pending"]]
    triage.act(t["broken"], action="link", bin_code="A-0002")
    triage.act(missing, action="link", bin_code="A-0003")
    triage.act(request, action="link", bin_code="A-0003")  # asks for a bin: no order
    triage.act(t["dump2"], action="link", bin_code="B-0001")  # dumping: no order
    assert _orders(engine) == [
        ("A-0001", "extra_collection", "open", "citizen_report"),
        ("A-0002", "repair", "open", "citizen_report"),
        ("A-0003", "replace", "open", "citizen_report"),
    ]
    assert "work_order" not in [e[0] for e in _events(engine, request)]
