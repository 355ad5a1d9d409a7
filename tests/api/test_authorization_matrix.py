"""The authorization matrix: every route of the app × every role, with the answer expected.

Roles: anonymous, a read-only viewer, the village head of หมู่ 1 ("A", whose survey, bin, photo
and plan fill the path parameters: the *own* village), the village head of หมู่ 2 ("B", the
*other* village), health staff and an admin. Every route in ``create_app(...).routes`` must have
a row in ``MATRIX``; a new route without one fails ``test_every_route_has_a_row``. Writes are
checked for their effect as well as their status: a refused write changes no row, and a write
the head of B makes about village A (kept but held for staff) changes nothing in the register.

Callers authenticate with ``Authorization: Bearer <token>`` (OpenRosa and the sign-in link with
the token in the path), as a phone or a script would.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select
from starlette.routing import Mount

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import (
    AllocationPlanRecord,
    Attachment,
    AttachmentVersion,
    Bin,
    CitizenReport,
    Inspection,
    PlanItem,
    PlanItemBin,
    PlanItemEvent,
    Role,
    Submission,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderKind,
)
from fieldsvc.models.survey import SubmissionReview
from fieldsvc.services import planning, work_orders
from fieldsvc.services.batch_review import selection_token
from fieldsvc.services.citizen_reports import ReportDraft, accept_report
from fieldsvc.storage.media import store_media
from fieldsvc.storage.users import create_user
from tests.intake.conftest import VILLAGE_CENTRES, bin_xml, jpeg_bytes, make_place

ROLES = ("anonymous", "viewer", "head_a", "head_b", "staff", "admin")
LAT_A, LON_A = VILLAGE_CENTRES[1]

#: (method, path) → expected answer per role, in the order of ``ROLES``: an exact status, or
#: ``2xx`` / ``3xx`` for any success or redirect. Village-scoped rows are called with village
#: A's ids, so ``head_a`` is the own village and ``head_b`` the other one.
MATRIX: dict[tuple[str, str], str] = {
    # (method, path): "anonymous viewer head_a head_b staff admin"
    # --- public: pages, open data, the phone form's files, health checks, docs ---
    ("GET", "/"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/docs"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/healthz"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/m"): "3xx 3xx 3xx 3xx 3xx 3xx",
    ("GET", "/m/"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/m/sw.js"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/m/{name}"): "2xx 2xx 2xx 2xx 2xx 2xx",
    # the public report page: anyone, no account (abuse checks are tests/citizen/)
    ("GET", "/report"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/report/"): "3xx 3xx 3xx 3xx 3xx 3xx",
    ("GET", "/report/sw.js"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/report/{name}"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/report/nearby"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/report/t/{ticket}"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("POST", "/report/send"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("POST", "/api/v1/citizen/reports/{ticket}/moderation"): "401 403 403 403 2xx 2xx",
    # staff triage: viewers read (without contacts), heads take no part, staff and admins act
    ("GET", "/api/v1/citizen/reports"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/api/v1/citizen/reports/{ticket}"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/api/v1/citizen/reports/{ticket}/photo"): "401 2xx 403 403 2xx 2xx",
    ("POST", "/api/v1/citizen/reports/{ticket}/triage"): "401 403 403 403 2xx 2xx",
    ("GET", "/staff/reports"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/staff/reports/{ticket}"): "401 2xx 403 403 2xx 2xx",
    ("POST", "/staff/reports/{ticket}"): "401 403 403 403 3xx 3xx",
    ("GET", "/openapi.json"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/public"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/public/data/metadata.json"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/public/data/{name}.csv"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/public/data/{name}.geojson"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/public/map.html"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/public/plan.{kind}"): "2xx 2xx 2xx 2xx 2xx 2xx",
    # one subdistrict's public pages (/public/<DOPA code>/…): anyone
    ("GET", "/public/{code:dopa}"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/public/{code:dopa}/map.html"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/public/{code:dopa}/data/metadata.json"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/public/{code:dopa}/data/{name}.csv"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/public/{code:dopa}/data/{name}.geojson"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/public/{code:dopa}/plan.{kind}"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/readyz"): "2xx 2xx 2xx 2xx 2xx 2xx",
    # 404 for all: the test install has no tile set (public, no token needed)
    ("GET", "/tiles/{z}/{x}/{y}.{ext}"): "404 404 404 404 404 404",
    # OGC API – Features: the service documents are public; a collection's rows are asked
    # for the staff-only "inspections" (villages, bins, recommended sites are public:
    # tests/api/test_public_pii.py, tests/ogc/)
    ("GET", "/ogc"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/ogc/api.html"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/ogc/collections"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/ogc/conformance"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/ogc/openapi"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/ogc/collections/{collection_id}"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/ogc/collections/{collection_id}/items"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/ogc/collections/{collection_id}/items/{feature_id:path}"): "401 2xx 403 403 2xx 2xx",
    # --- sign-in ---
    ("GET", "/login"): "2xx 2xx 2xx 2xx 2xx 2xx",
    # the sign-in link only shows a form that posts the token (it signs nobody in by itself)
    ("GET", "/login/{token}"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("POST", "/logout"): "3xx 3xx 3xx 3xx 3xx 3xx",
    ("POST", "/login"): "401 3xx 3xx 3xx 3xx 3xx",
    # --- JSON API: reading ---
    ("GET", "/api/v1/allocations"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/api/v1/allocations/{plan_id}"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/api/v1/allocations/{plan_id}/items"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/api/v1/batch-reviews/preview"): "401 403 403 403 2xx 2xx",
    ("GET", "/api/v1/basemap"): "401 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/api/v1/bins"): "401 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/api/v1/bins/near"): "401 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/api/v1/bins/{code}"): "401 2xx 2xx 403 2xx 2xx",
    ("GET", "/api/v1/coverage"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/api/v1/me"): "401 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/api/v1/media/{sha256}"): "401 2xx 2xx 403 2xx 2xx",
    ("GET", "/api/v1/media/{sha256}/thumbnail"): "401 2xx 2xx 403 2xx 2xx",
    ("GET", "/api/v1/submissions"): "401 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/api/v1/submissions/{submission_id}"): "401 2xx 2xx 403 2xx 2xx",
    ("GET", "/api/v1/villages"): "401 2xx 2xx 2xx 2xx 2xx",
    # work orders: the service unit's; viewers read, village heads see none
    ("GET", "/api/v1/work-orders"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/api/v1/work-orders/{order_id}/events"): "401 2xx 403 403 2xx 2xx",
    # --- JSON API: writes (B's surveys about village A are kept but held: 2xx) ---
    ("POST", "/api/v1/allocations"): "401 403 403 403 2xx 2xx",
    ("POST", "/api/v1/allocations/{plan_id}/publish"): "401 403 403 403 2xx 2xx",
    # a published plan's items: health staff and admins move them (staff: ordered, then the
    # admin: delivered) and record prices; viewers and village heads cannot
    ("POST", "/api/v1/allocations/{plan_id}/items/{item_id}/stage"): "401 403 403 403 2xx 2xx",
    ("POST", "/api/v1/allocations/{plan_id}/items/{item_id}/price"): "401 403 403 403 2xx 2xx",
    # 409 for staff and admins: the world's only bin was registered before the plan, so it is
    # no match (the confirmations themselves: tests/plan_follow/)
    ("POST", "/api/v1/allocations/{plan_id}/items/{item_id}/bins"): "401 403 403 403 409 409",
    # admin: 409, the surveys staff's batch decided just before are no longer awaiting one
    ("POST", "/api/v1/batch-reviews"): "401 403 403 403 2xx 409",
    # QR stickers: health staff and admins only (heads ask the office; viewers change nothing)
    ("POST", "/api/v1/labels/fresh"): "401 403 403 403 2xx 2xx",
    ("POST", "/api/v1/submissions"): "401 403 2xx 2xx 2xx 2xx",
    ("POST", "/api/v1/submissions/multipart"): "401 403 2xx 2xx 2xx 2xx",
    # admin: 409, the version staff corrected just before is no longer current
    ("POST", "/api/v1/submissions/{submission_id}/corrections"): "401 403 403 403 2xx 409",
    ("POST", "/api/v1/submissions/{submission_id}/review"): "401 403 403 403 2xx 2xx",
    ("PUT", "/api/v1/submissions/{submission_id}/attachments/{name}"): "401 403 2xx 403 2xx 2xx",
    # the unit assigns and marks done; admin: done again is a no-op (200), cancel of an order
    # staff cancelled just before is 409 (closed)
    ("POST", "/api/v1/work-orders/{order_id}/assign"): "401 403 403 403 2xx 2xx",
    ("POST", "/api/v1/work-orders/{order_id}/done"): "401 403 403 403 2xx 2xx",
    ("POST", "/api/v1/work-orders/{order_id}/cancel"): "401 403 403 403 2xx 409",
    # --- OpenRosa (the token is in the path) ---
    ("GET", "/openrosa/{token}/formList"): "401 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/openrosa/{token}/forms/{form_id}.xml"): "401 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/openrosa/{token}/forms/{form_id}/manifest"): "401 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/openrosa/{token}/forms/{form_id}/media/{filename}"): "401 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/openrosa/{token}/entities/{dataset}/integrity"): "401 2xx 2xx 2xx 2xx 2xx",
    ("HEAD", "/openrosa/{token}/submission"): "401 2xx 2xx 2xx 2xx 2xx",
    ("POST", "/openrosa/{token}/submission"): "401 403 2xx 2xx 2xx 2xx",
    # --- staff pages and exports ---
    ("GET", "/staff"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/staff/batch-review"): "401 403 403 403 2xx 2xx",
    ("GET", "/staff/bins/{code}"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/staff/export/coverage.{kind}"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/staff/export/coverage-series.{kind}"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/staff/reports/ita.{kind}"): "401 2xx 403 403 2xx 2xx",
    # the provincial overview: aggregate figures per subdistrict, public as well
    ("GET", "/staff/province"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/staff/province.{kind}"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/public/province"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/public/province.{kind}"): "2xx 2xx 2xx 2xx 2xx 2xx",
    # the register for QGIS: a portable copy of the whole register and its inspection history
    # (surveyors as user ids) stays with health staff and admins; viewers read it on screen
    ("GET", "/staff/export/register.gpkg"): "401 403 403 403 2xx 2xx",
    ("GET", "/staff/map"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/staff/map.html"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/staff/plans"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/staff/plans/{plan_id}"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/staff/plans/{plan_id}/export.{kind}"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/staff/review"): "401 2xx 403 403 2xx 2xx",
    ("GET", "/staff/review/{key}"): "401 2xx 403 403 2xx 2xx",
    ("POST", "/staff/batch-review"): "401 403 403 403 2xx 409",
    ("POST", "/staff/plans"): "401 403 403 403 3xx 3xx",
    ("POST", "/staff/plans/{plan_id}/publish"): "401 403 403 403 3xx 3xx",
    ("POST", "/staff/plans/{plan_id}/items/{item_id}/stage"): "401 403 403 403 3xx 3xx",
    ("POST", "/staff/plans/{plan_id}/items/{item_id}/price"): "401 403 403 403 3xx 3xx",
    ("POST", "/staff/plans/{plan_id}/items/{item_id}/bins"): "401 403 403 403 409 409",
    ("POST", "/staff/review/{key}"): "401 403 403 403 3xx 3xx",
    ("POST", "/staff/review/{key}/correct"): "401 403 403 403 3xx 3xx",
    # the subdistrict switcher of the staff pages: remembers a choice in the browser only
    ("POST", "/staff/subdistrict"): "401 3xx 403 403 3xx 3xx",
    # --- Open311 GeoReport v2: anyone reads services and public requests; only a partner's
    # api_key sends one (the users' tokens are not partner keys: 403 for every role;
    # tests/open311/ sends with a key) ---
    ("GET", "/open311/v2/discovery.{fmt}"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/open311/v2/services.{fmt}"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/open311/v2/services/{service_code}.{fmt}"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/open311/v2/requests.{fmt}"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("GET", "/open311/v2/requests/{service_request_id}.{fmt}"): "2xx 2xx 2xx 2xx 2xx 2xx",
    ("POST", "/open311/v2/requests.{fmt}"): "403 403 403 403 403 403",
    ("GET", "/staff/work-orders"): "401 2xx 403 403 2xx 2xx",
    # admin: cancelling the order staff cancelled just before is 409 (closed)
    ("POST", "/staff/work-orders/{order_id}/assign"): "401 403 403 403 3xx 3xx",
    ("POST", "/staff/work-orders/{order_id}/cancel"): "401 403 403 403 3xx 409",
    ("GET", "/staff/labels"): "401 403 403 403 2xx 2xx",
    ("GET", "/staff/labels/{village}.pdf"): "401 403 403 403 2xx 2xx",
    ("POST", "/staff/labels/fresh"): "401 403 403 403 2xx 2xx",
}

#: Mounted static files: served to everyone, no data behind them (checked once below).
MOUNTS = {"/static", "/vendor"}


# --- the route table --------------------------------------------------------------------------


def app_routes(app: Any) -> tuple[set[tuple[str, str]], set[str]]:
    """(method, path) of every route, and the paths of the mounts, as the app serves them
    (routers included with ``include_router`` are walked through)."""
    routes: set[tuple[str, str]] = set()
    mounts: set[str] = set()
    for route in app.routes:
        if isinstance(route, Mount):
            mounts.add(route.path)
            continue
        contexts = getattr(route, "effective_route_contexts", None)
        for item in list(contexts()) if callable(contexts) else [route]:
            for method in item.methods or ():
                if method != "HEAD" or item.methods == {"HEAD"}:
                    routes.add((method, item.path))
    return routes, mounts


# --- the world: a subdistrict, six callers, village A's survey, photo and plans ---------------


@dataclass
class World:
    tokens: dict[str, str | None]
    submission_id: int
    sha256: str
    bin_code: str
    draft_plan_id: int
    ticket: str = ""
    access_key: str = ""
    report_ticket: str = ""  # a public resident's report (Open311 reads it)
    published_plan_id: int = 0
    item_id: int = 0  # the published plan's first item
    order_id: int = 0
    staff_id: int = 0


def _seed(engine: Engine, settings: Settings, client: TestClient) -> World:
    with Session(engine, expire_on_commit=False) as db:
        place = make_place(db)
        _, head_b = create_user(
            session=db,
            username="head2",
            display_name="ผู้ใหญ่บ้านหมู่ 2",
            role=Role.village_head,
            village_ids=[place.village_ids[2]],
        )
        _, admin = create_user(
            session=db, username="admin", display_name="ผู้ดูแลระบบ", role=Role.admin
        )
        db.commit()
    tokens: dict[str, str | None] = {
        "anonymous": None,
        "viewer": place.viewer_token,
        "head_a": place.head_token,
        "head_b": head_b,
        "staff": place.staff_token,
        "admin": admin,
    }
    sent = client.post(
        "/api/v1/submissions",
        json=_survey("A-0001", str(uuid.uuid4())),
        headers={"Authorization": f"Bearer {place.head_token}"},
    )
    assert sent.status_code == 201 and sent.json()["applied"], sent.text
    photo = client.put(
        f"/api/v1/submissions/{sent.json()['id']}/attachments/bin.jpg",
        content=jpeg_bytes(),
        headers={"Authorization": f"Bearer {place.head_token}", "Content-Type": "image/jpeg"},
    )
    assert photo.status_code == 200, photo.text
    with Session(engine, expire_on_commit=False) as db:
        published = planning.create_plan(session=db, settings=settings, budget_baht=50_000)
        # one new site in village A (the world has no households, so the engine funds none):
        # publishing makes it the plan's one item to follow
        published.recommendations = [
            {
                "rank": 1,
                "reason": "coverage",
                "village_id": place.village_ids[1],
                "stream": "general",
                "capacity_l": 240.0,
                "count": 1,
                "bin_id": None,
                "lon": LON_A,
                "lat": LAT_A + 0.001,
                "households_added": 5,
                "cost_baht": 2500.0,
                "cumulative_cost_baht": 2500.0,
            },
        ]
        planning.publish_plan(session=db, plan=published)
        draft = planning.create_plan(session=db, settings=settings, budget_baht=20_000)
        bin_a = db.exec(select(Bin).where(Bin.code == "A-0001")).one()
        order = work_orders.open_or_join_order(
            db, bin_a.id or 0, WorkOrderKind.repair, "staff", place.staff
        )
        db.commit()
        item = db.exec(select(PlanItem).where(PlanItem.plan_id == published.id)).first()
        assert item is not None, "the published test plan has items"
        published_plan_id, item_id = published.id or 0, item.id or 0
        report, public_report = village_a_reports(db, settings)
    world = World(
        tokens,
        sent.json()["id"],
        photo.json()["sha256"],
        "A-0001",
        draft.id or 0,
        report.ticket,
        report.access_key,
        public_report.ticket,
    )
    world.published_plan_id, world.item_id = published_plan_id, item_id
    world.order_id, world.staff_id = order.id or 0, place.staff.id or 0
    return world


def village_a_reports(db: Session, settings: Settings) -> tuple[CitizenReport, CitizenReport]:
    """Two residents' reports at village A's centre: one awaiting moderation with a photo and
    a contact name (staff see both), one public at once with a phone number."""
    report = accept_report(
        session=db,
        draft=ReportDraft(kind="bin_full", lon=LON_A, lat=LAT_A, contact_name="ผู้แจ้ง"),
        settings=settings,
    )
    report.photo_sha256 = store_media(settings=settings, data=jpeg_bytes())  # staff see it
    report.photo_media_type = "image/jpeg"
    db.add(report)
    db.commit()
    public_report = accept_report(
        session=db,
        draft=ReportDraft(kind="bin_full", lon=LON_A, lat=LAT_A, contact_phone="0811111111"),
        settings=settings.model_copy(update={"citizen_reports_public_at_once": True}),
    )
    return report, public_report


def _survey(code: str, sid: str) -> dict[str, Any]:
    return {
        "submission_id": sid,
        "form_id": "bin_survey",
        "bin_code": code,
        "village": 1,
        "location": {"lat": LAT_A, "lon": LON_A, "accuracy_m": 4.0},
        "condition": "usable",
        "capacity_l": 240,
        "stream": "general",
        "households": 9,
        "observed_at": "2026-11-21T08:30:00+07:00",
        "photos": ["bin.jpg"],
    }


@pytest.fixture
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine), follow_redirects=False) as test_client:
        yield test_client


# --- one request per (route, role) ------------------------------------------------------------

PATH_VALUES = {
    "form_id": "village_households",
    "filename": "villages.csv",
    "name": "bin.jpg",
    "kind": "csv",
    "z": "0",
    "x": "0",
    "y": "0",
    "ext": "png",
    "village": "1",
    "collection_id": "inspections",
    "feature_id": "1",  # the inspection of village A's survey (the only bin)
    "dataset": "bins",
    "fmt": "json",
    "service_code": "bin_full",
}


def _path(path: str, world: World, role: str) -> str:
    token = world.tokens[role] or "not-a-token"
    values = {
        **PATH_VALUES,
        "token": token,
        "submission_id": str(world.submission_id),
        "key": str(world.submission_id),
        "sha256": world.sha256,
        "code": world.bin_code,
        "plan_id": str(world.draft_plan_id),
        "ticket": world.ticket,
        "service_request_id": world.report_ticket,
        "item_id": str(world.item_id),
        "order_id": str(world.order_id),
    }
    if "/items" in path:  # only a published plan has items
        values["plan_id"] = str(world.published_plan_id)
    if path.startswith("/public/data/") or "/data/{name}" in path:
        values["name"] = "bins"
    if ":dopa}" in path:  # a subdistrict's public pages: the test install's subdistrict
        values["code"] = "999901"
        path = path.replace(":dopa}", "}")
    if path == "/m/{name}":
        values["name"] = "app.js"
    if path == "/report/{name}":
        values["name"] = "report.js"
    if path == "/staff/reports/ita.{kind}":  # the year of the world's survey (Nov 2026)
        return "/staff/reports/ita.xlsx?fiscal_year=2570"
    if path == "/report/t/{ticket}":
        return f"/report/t/{world.ticket}?k={world.access_key}"
    return path.replace(":path}", "}").format(**values)


def _request_body(method: str, path: str, world: World, role: str) -> dict[str, Any]:
    """A minimal valid body for each write, about village A."""
    fresh = str(uuid.uuid4())
    if path == "/api/v1/bins/near":
        return {"params": {"lat": LAT_A, "lon": LON_A, "radius_m": 100}}
    if path == "/report/nearby":
        return {"params": {"lat": LAT_A, "lon": LON_A, "kind": "bin_full"}}
    if path == "/report/send":
        return {
            "data": {"kind": "dumping", "lat": str(LAT_A), "lon": str(LON_A), "draft_id": fresh}
        }
    if path.endswith("/moderation"):
        return {"json": {"action": "accept"}}
    if path == "/api/v1/citizen/reports/{ticket}/triage":
        return {"json": {"action": "reply", "text": "รับเรื่องแล้ว"}}
    if path == "/staff/reports/{ticket}":
        return {"data": {"action": "reply", "text": "รับเรื่องแล้ว"}}
    code = f"A-{role[:4].upper()}"
    if path == "/api/v1/submissions":
        return {"json": _survey(code, fresh)}
    if path == "/api/v1/submissions/multipart":
        text = json.dumps({**_survey(code, fresh), "photos": []})
        return {"files": {"submission": (None, text)}}
    if path.endswith("/attachments/{name}"):
        return {
            "content": jpeg_bytes(size=(40 + len(role), 30)),
            "headers": {"Content-Type": "image/jpeg"},
        }
    if path == "/api/v1/submissions/{submission_id}/review":
        return {"json": {"state": "has_issues", "comment": "ตรวจ"}}
    if path == "/api/v1/submissions/{submission_id}/corrections":
        return {"json": {"households": 11}}
    if path in ("/api/v1/batch-reviews", "/staff/batch-review"):
        # every survey received (village A's), confirmed as the preview would show it
        token = selection_token([(world.submission_id, True, ())])
        if path == "/staff/batch-review":
            return {"data": {"state": "received", "decision": "approved", "token": token}}
        batch = {"review_state": "received"}
        return {"json": {"filter": batch, "decision": "approved", "token": token}}
    if path == "/api/v1/allocations":
        return {"json": {"budget_baht": 10_000}}
    if path == "/openrosa/{token}/submission" and method == "POST":
        xml = bin_xml(f"uuid:{fresh}", code=code, photo="")
        return {"files": [("xml_submission_file", ("s.xml", xml.encode(), "text/xml"))]}
    if path == "/login" and method == "POST":
        return {"data": {"token": world.tokens[role] or "not-a-token"}}
    if path == "/staff/review/{key}":
        return {"data": {"state": "has_issues", "comment": "ตรวจ"}}
    if path == "/staff/review/{key}/correct":
        return {"data": {"households": "11"}}
    if path == "/api/v1/work-orders/{order_id}/assign":
        return {"json": {"assignee_id": world.staff_id}}
    if path == "/staff/work-orders/{order_id}/assign":
        return {"data": {"assignee_id": str(world.staff_id)}}
    if path == "/staff/work-orders/{order_id}/cancel":
        return {"data": {"note": "ซ้ำ"}}
    if path == "/api/v1/work-orders/{order_id}/done":
        return {"json": {"mark_id": f"mark-{fresh}"}}
    if path == "/api/v1/work-orders/{order_id}/cancel":
        return {"json": {"note": "ซ้ำ"}}
    if path == "/api/v1/labels/fresh":
        return {"json": {"village": 1, "count": 2}}
    if path == "/staff/labels/fresh":
        return {"data": {"village": "1", "count": "2"}}
    if path == "/open311/v2/requests.{fmt}" and method == "POST":
        return {"data": {"service_code": "bin_full", "lat": str(LAT_A), "long": str(LON_A)}}
    if path == "/staff/plans":
        return {"data": {"budget_baht": "10000"}}
    if path == "/staff/subdistrict":
        return {"data": {"code": "999901", "next": "/staff/map"}}
    if path.endswith("/items/{item_id}/stage"):
        stage = "delivered" if role == "admin" else "ordered"  # staff's move came first
        if path.startswith("/staff/"):
            return {"data": {"stage": stage, "paid_baht": "900"}}
        return {"json": {"stage": stage, "paid_baht": 900}}
    if path.endswith("/items/{item_id}/price"):
        if path.startswith("/staff/"):
            return {"data": {"paid_baht": "950"}}
        return {"json": {"paid_baht": 950}}
    if path.endswith("/items/{item_id}/bins"):
        if path.startswith("/staff/"):
            return {"data": {"bin_code": world.bin_code, "decision": "confirm"}}
        return {"json": {"bin_code": world.bin_code, "decision": "confirm"}}
    return {}


def _send(client: TestClient, method: str, path: str, world: World, role: str) -> int:
    token = world.tokens[role]
    in_path = path.startswith("/openrosa/") or path == "/login/{token}"
    kwargs = _request_body(method, path, world, role)
    headers = dict(kwargs.pop("headers", {}))
    if path.startswith("/openrosa/"):
        headers["X-OpenRosa-Version"] = "1.0"
    if token and not in_path:
        headers["Authorization"] = f"Bearer {token}"
    client.cookies.clear()  # a sign-in answer's cookie must not carry over to the next role
    response = client.request(
        method, _path(path, world, role), headers=headers, follow_redirects=False, **kwargs
    )
    return response.status_code


# --- what a write may change ------------------------------------------------------------------


def _register(engine: Engine) -> dict[str, Any]:
    """Everything a write could change except the survey rows themselves."""
    with Session(engine) as db:
        return {
            "bins": sorted(
                (b.code, b.village_id, b.condition, b.lat, b.lon) for b in db.exec(select(Bin))
            ),
            "inspections": len(db.exec(select(Inspection)).all()),
            "photos": sorted(  # received photos; a kept survey's empty slots are its own
                (a.submission_id, a.name, a.sha256)
                for a in db.exec(select(Attachment))
                if a.sha256 is not None
            ),
            "photo_versions": len(db.exec(select(AttachmentVersion)).all()),
            "reviews": len(db.exec(select(SubmissionReview)).all()),
            "plans": sorted((p.id, p.status) for p in db.exec(select(AllocationPlanRecord))),
            "plan_items": sorted(
                (i.id, str(i.stage), i.paid_baht) for i in db.exec(select(PlanItem))
            ),
            "plan_item_events": len(db.exec(select(PlanItemEvent)).all()),
            "plan_item_bins": len(db.exec(select(PlanItemBin)).all()),
            "surveys": sorted(
                (s.instance_id, s.applied, str(s.review_state), s.is_current)
                for s in db.exec(select(Submission))
            ),
            "work_orders": sorted(
                (o.id, str(o.status), o.assigned_to_id) for o in db.exec(select(WorkOrder))
            ),
            "work_order_events": len(db.exec(select(WorkOrderEvent)).all()),
        }


def _matches(expected: str, status: int) -> bool:
    if expected.endswith("xx"):
        return status // 100 == int(expected[0])
    return status == int(expected)


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX), ids=lambda v: str(v))
def test_route_answers_each_role_as_the_matrix_says(
    client: TestClient, engine: Engine, settings: Settings, method: str, path: str
) -> None:
    world = _seed(engine, settings, client)
    expected = dict(zip(ROLES, MATRIX[(method, path)].split(), strict=True))
    writes = method not in ("GET", "HEAD")
    got: dict[str, int] = {}
    for role in ROLES:
        before = _register(engine) if writes else None
        status = _send(client, method, path, world, role)
        got[role] = status
        if not writes or before is None:
            continue
        after = _register(engine)
        if status >= 400:
            assert after == before, f"{method} {path} as {role}: refused ({status}) but changed"
        elif role == "head_b":
            # Kept for staff, never applied: only new, unapplied surveys may appear.
            new = set(after.pop("surveys")) - set(before.pop("surveys"))
            assert after == before, f"{method} {path} as head of B changed village A"
            assert all(not applied for _, applied, _, _ in new)
    wrong = {r: (expected[r], got[r]) for r in ROLES if not _matches(expected[r], got[r])}
    assert not wrong, f"{method} {path}: expected vs got {wrong}"


def test_every_route_has_a_row(settings: Settings, engine: Engine) -> None:
    routes, mounts = app_routes(create_app(settings, engine=engine))
    assert routes - set(MATRIX) == set(), "new routes need a row in MATRIX"
    assert set(MATRIX) - routes == set(), "rows of routes that no longer exist"
    assert mounts == MOUNTS
