"""No personal data on any page or file an anonymous visitor can reach.

Personal data is planted everywhere it can live — surveyors' names, usernames and phones, house
numbers and household points, device ids, notes, held surveys, raw payloads, tokens, a photo
with GPS in its EXIF — then every GET route of the app is requested without signing in (the list
comes from the app's route table, so a new route is walked too), every file those answers link
is fetched, and the text of each (HTML, JSON, CSV, GeoJSON, map, XLSX cells, PDF text) is
searched for the planted values.
"""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.config import Settings
from fieldsvc.ingest.survey import BIN_SURVEY_FORM, SurveyRecord
from fieldsvc.models import (
    AllocationPlanRecord,
    Channel,
    Condition,
    Household,
    PlanItem,
    PlanItemStage,
    Role,
    Stream,
    Submission,
    User,
)
from fieldsvc.models.citizen import ReportVisibility
from fieldsvc.services import public_data
from fieldsvc.services.citizen_reports import ReportDraft, accept_report
from fieldsvc.storage.media import store_media
from fieldsvc.storage.open311_keys import add_key
from fieldsvc.storage.plan_items import add_item_event, items_of_plan
from fieldsvc.storage.submissions import receive_submission
from fieldsvc.storage.submissions.queries import attach_media
from fieldsvc.storage.users import create_user
from tests.api.test_staff_public import (  # noqa: F401  (seeded is a fixture)
    HOUSE_NO,
    LAT0,
    LON0,
    NOTE,
    SURVEYOR_NAME,
    SURVEYOR_PHONE,
    seeded,
)

CITIZEN_NAME = "นายประชา แจ้งเหตุ"
CITIZEN_PHONE = "0847776666"
CITIZEN_EMAIL = "pracha@example.org"
CITIZEN_DRAFT = "draft-7f3e9a"
VIEWER_NAME = "นางสมศรี ขยันงานยิ่ง"
VIEWER_USERNAME = "somsri.k"
VIEWER_PHONE = "0861112222"
HOUSEHOLD_REF = "HH-ref-5501"
HOUSE_NO_2 = "12/345 ซอยลับ"
HOUSE_LON, HOUSE_LAT = 103.3073917, 16.3046271  # a house inside หมู่ 1, seven persons
HELD_NOTE = "โทรหาลุงมี 0823334444 หลังบ้านเลขที่ 77/1"
HELD_DEVICE = "imei:356938035643809"
HELD_INSTANCE = "uuid:5f0c1d2e-0000-4000-8000-00000000beef"
#: A resident's report sent by a partner app over Open311, public at once, with contacts.
REPORTER_NAME, REPORTER_PHONE = "นายแจ้ง เรื่องดี", "0845556666"
REPORTER_EMAIL, REPORTER_ADDRESS = "jaeng@example.org", "บ้านเลขที่ 5/55 ตรอกเงียบ"
RAW_ONLY = "RAW-ONLY-SECRET-77"
CAMERA_MAKE = "SECRET-CAMERA-MAKE"
EXIF_LAT = "16.31144"  # 16° 18′ 41.2″ N, in the photo's EXIF only
PLAN_STAFF_NAME = "นายพัสดุ ตรวจรับดี"  # moved a plan item: staff see who, the public does not
PLAN_NOTE = "ใบสั่งซื้อ 0897776666 ร้านลับ"
#: A resident's report staff have not accepted yet: its words (which name a neighbour and a
#: phone) must not reach any public page, map, file or Open311 answer.
PENDING_SECRET = "ลุงสมชายบ้านเลขที่ 9/99 ทิ้งขยะทุกคืน โทร 0861239876"

OGC_COLLECTIONS = (
    "villages",
    "bins",
    "recommended-sites",
    "traffy-tickets",
    "inspections",
    "held-surveys",
)

#: GET routes an anonymous visitor may open (200), reviewed one by one. A route that starts
#: answering anonymously fails the test until it is added here — and it is scanned either way.
ANONYMOUS_ROUTES = {
    "/",
    "/docs",
    "/healthz",
    "/openapi.json",
    "/readyz",
    "/login",
    "/login/{token}",  # the sign-in link's page: a form with the visitor's own token, no data
    "/m/",
    "/m/sw.js",
    "/m/{name}",
    "/public",
    "/public/map.html",
    "/public/data/metadata.json",
    "/public/data/{name}.csv",
    "/public/data/{name}.geojson",
    "/public/plan.{kind}",
    # one subdistrict's public pages and files (/public/<DOPA code>/…)
    "/public/{code:dopa}",
    "/public/{code:dopa}/map.html",
    "/public/{code:dopa}/data/metadata.json",
    "/public/{code:dopa}/data/{name}.csv",
    "/public/{code:dopa}/data/{name}.geojson",
    "/public/{code:dopa}/plan.{kind}",
    "/public/province",  # one row per subdistrict: counts and shares only
    "/public/province.{kind}",
    # OGC API – Features: the service documents and the public collections' features
    "/ogc",
    "/ogc/api.html",
    "/ogc/conformance",
    "/ogc/openapi",
    "/ogc/collections",
    "/ogc/collections/{collection_id}",
    "/ogc/collections/{collection_id}/items",
    "/ogc/collections/{collection_id}/items/{feature_id:path}",
    # the public report page, nearby open reports and a resident's status page
    "/report",
    "/report/sw.js",
    "/report/{name}",
    "/report/nearby",
    "/report/t/{ticket}",
    # Open311 GeoReport v2: services and public requests (public fields only)
    "/open311/v2/discovery.{fmt}",
    "/open311/v2/services.{fmt}",
    "/open311/v2/services/{service_code}.{fmt}",
    "/open311/v2/requests.{fmt}",
    "/open311/v2/requests/{service_request_id}.{fmt}",
}

#: Concrete URLs for every GET route with path parameters (``{plan}`` and ``{photo}`` are
#: filled in with the planted plan and photo). A new parametrised route needs an entry.
ROUTE_EXAMPLES: dict[str, list[str]] = {
    "/api/v1/submissions/{submission_id}": ["/api/v1/submissions/1"],
    "/api/v1/media/{sha256}": ["/api/v1/media/{photo}"],
    "/api/v1/media/{sha256}/thumbnail": ["/api/v1/media/{photo}/thumbnail"],
    "/api/v1/bins/{code}": ["/api/v1/bins/B-1"],
    "/api/v1/allocations/{plan_id}": ["/api/v1/allocations/{plan}"],
    "/api/v1/allocations/{plan_id}/items": ["/api/v1/allocations/{plan}/items"],
    "/openrosa/{token}/formList": ["/openrosa/not-a-token/formList"],
    "/openrosa/{token}/forms/{form_id}.xml": [f"/openrosa/not-a-token/forms/{BIN_SURVEY_FORM}.xml"],
    "/openrosa/{token}/forms/{form_id}/manifest": [
        f"/openrosa/not-a-token/forms/{BIN_SURVEY_FORM}/manifest"
    ],
    "/openrosa/{token}/forms/{form_id}/media/{filename}": [
        f"/openrosa/not-a-token/forms/{BIN_SURVEY_FORM}/media/bins.csv"
    ],
    "/openrosa/{token}/entities/{dataset}/integrity": [
        "/openrosa/not-a-token/entities/bins/integrity?id=00000000-0000-4000-8000-000000000001"
    ],
    "/login/{token}": ["/login/not-a-token"],
    "/staff/review/{key}": ["/staff/review/1"],
    "/staff/bins/{code}": ["/staff/bins/B-1"],
    "/staff/labels/{village}.pdf": ["/staff/labels/1.pdf", "/staff/labels/1.pdf?which=fresh"],
    "/staff/plans/{plan_id}": ["/staff/plans/{plan}"],
    "/staff/plans/{plan_id}/export.{kind}": [
        f"/staff/plans/{{plan}}/export.{kind}" for kind in ("pdf", "xlsx", "csv")
    ],
    "/staff/export/coverage.{kind}": [
        f"/staff/export/coverage.{k}" for k in ("xlsx", "csv", "html")
    ],
    "/staff/reports/ita.{kind}": [
        "/staff/reports/ita.pdf?fiscal_year=2570",
        "/staff/reports/ita.docx?fiscal_year=2570",
        "/staff/reports/ita.xlsx?fiscal_year=2570",
    ],
    "/staff/export/coverage-series.{kind}": [
        "/staff/export/coverage-series.csv",
        "/staff/export/coverage-series.json?by=area&fiscal_year=2570",
    ],
    "/public/data/{name}.csv": [
        f"/public/data/{n}.csv" for n in ("villages", "bins", "plan", "reports")
    ],
    "/public/data/{name}.geojson": [
        f"/public/data/{n}.geojson" for n in ("villages", "bins", "reports")
    ],
    "/public/plan.{kind}": [f"/public/plan.{kind}" for kind in ("pdf", "xlsx", "csv")],
    "/public/{code:dopa}": ["/public/123401"],
    "/public/{code:dopa}/map.html": ["/public/123401/map.html"],
    "/public/{code:dopa}/data/metadata.json": ["/public/123401/data/metadata.json"],
    "/public/{code:dopa}/data/{name}.csv": [
        f"/public/123401/data/{n}.csv" for n in ("villages", "bins", "plan", "reports")
    ],
    "/public/{code:dopa}/data/{name}.geojson": [
        f"/public/123401/data/{n}.geojson" for n in ("villages", "bins", "reports")
    ],
    "/public/{code:dopa}/plan.{kind}": [
        f"/public/123401/plan.{kind}" for kind in ("pdf", "xlsx", "csv")
    ],
    "/public/province.{kind}": ["/public/province.csv", "/public/province.xlsx?province=12"],
    "/staff/province.{kind}": ["/staff/province.csv", "/staff/province.xlsx"],
    "/tiles/{z}/{x}/{y}.{ext}": ["/tiles/0/0/0.png"],
    "/report/{name}": ["/report/index.html", "/report/report.js", "/report/report.css"],
    "/report/nearby": [f"/report/nearby?lon={LON0}&lat={LAT0}&kind=bin_full"],
    "/report/t/{ticket}": ["/report/t/{ticket}?k={key}"],
    "/m/{name}": [
        "/m/index.html",
        "/m/app.js",
        "/m/photo.js",
        "/m/records.js",
        "/m/orders.html",
        "/m/orders.js",
    ],
    "/api/v1/work-orders/{order_id}/events": ["/api/v1/work-orders/1/events"],
    # staff triage: anonymous callers get 401 (the planted resident's report)
    "/api/v1/citizen/reports/{ticket}": ["/api/v1/citizen/reports/{ticket}"],
    "/api/v1/citizen/reports/{ticket}/photo": ["/api/v1/citizen/reports/{ticket}/photo"],
    "/staff/reports/{ticket}": ["/staff/reports/{ticket}"],
    # every collection, the staff ones too (they must answer 401 here)
    "/ogc/collections/{collection_id}": [f"/ogc/collections/{c}" for c in OGC_COLLECTIONS],
    "/ogc/collections/{collection_id}/items": [
        f"/ogc/collections/{c}/items?limit=10000" for c in OGC_COLLECTIONS
    ],
    "/ogc/collections/{collection_id}/items/{feature_id:path}": [
        "/ogc/collections/bins/items/B-1",
        "/ogc/collections/villages/items/1",
        "/ogc/collections/recommended-sites/items/1",
        "/ogc/collections/inspections/items/1",
        "/ogc/collections/traffy-tickets/items/1",
        "/ogc/collections/held-surveys/items/1",
        "/ogc/collections/held-surveys/items/2",
    ],
    "/open311/v2/discovery.{fmt}": ["/open311/v2/discovery.json", "/open311/v2/discovery.xml"],
    "/open311/v2/services.{fmt}": ["/open311/v2/services.json", "/open311/v2/services.xml"],
    "/open311/v2/services/{service_code}.{fmt}": [
        "/open311/v2/services/bin_full.json",
        "/open311/v2/services/bin_full.xml",
    ],
    "/open311/v2/requests.{fmt}": [
        f"/open311/v2/requests.{fmt}{query}"
        for fmt in ("json", "xml")
        for query in ("", "?service_request_id={ticket}", "?status=open&page_size=1000")
    ],
    "/open311/v2/requests/{service_request_id}.{fmt}": [
        "/open311/v2/requests/{ticket}.json",
        "/open311/v2/requests/{ticket}.xml",
    ],
}


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    public_data.clear_cache()
    yield
    public_data.clear_cache()


def _photo_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = CAMERA_MAKE
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (16.0, 18.0, 41.2)
    gps[3], gps[4] = "E", (103.0, 18.0, 30.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _plant_plan_item_history(session: Session, plan_id: int) -> None:
    """An item of the published plan ordered by a named staff member with a note: the public
    page shows the item's stage and money, never who moved it or the note."""
    staff, _ = create_user(
        session=session,
        username="procure.k",
        display_name=PLAN_STAFF_NAME,
        role=Role.health_staff,
    )
    plan = session.get(AllocationPlanRecord, plan_id)
    assert plan is not None and plan.status == "published"
    items = list(items_of_plan(session=session, plan_id=plan_id))
    if not items:  # the seeded plan funds nothing on this register: give it one row
        items = [
            PlanItem(
                plan_id=plan_id,
                line=0,
                reason="coverage",
                village_id=1,
                stream=Stream.general,
                capacity_l=240,
                count=1,
                lon=LON0 + 0.005,
                lat=LAT0 + 0.005,
                planned_baht=2500.0,
            )
        ]
        session.add_all(items)
        session.flush()
    item_id = items[0].id or 0
    items[0].stage = PlanItemStage.ordered
    add_item_event(
        session=session, item_id=item_id, action="ordered", actor_id=staff.id, note=PLAN_NOTE
    )


@pytest.fixture
def planted(
    seeded: dict[str, str],  # noqa: F811
    engine: Engine,
    settings: Settings,
) -> dict[str, Any]:
    """Personal data beyond ``seeded``'s: a second user, a house with its number, a held
    survey with its own note and device, a raw payload field and a photo with GPS EXIF."""
    with Session(engine) as session:
        _, viewer_token = create_user(
            session=session,
            username=VIEWER_USERNAME,
            display_name=VIEWER_NAME,
            role=Role.viewer,
            phone=VIEWER_PHONE,
        )
        session.add(
            Household(
                ref=HOUSEHOLD_REF,
                lon=HOUSE_LON,
                lat=HOUSE_LAT,
                persons=7,
                village_id=1,
                house_no=HOUSE_NO_2,
            )
        )
        head = session.exec(select(User).where(User.username == "head1")).one()
        held = receive_submission(  # a new bin in หมู่ 2, not the head's: kept and held
            session=session,
            record=SurveyRecord(
                instance_id=HELD_INSTANCE,
                form_id=BIN_SURVEY_FORM,
                channel=Channel.web,
                bin_code="B-HELD",
                village_number=1,
                lat=LAT0 + 0.005,
                lon=LON0 + 0.015,
                accuracy_m=5.0,
                condition=Condition.usable,
                capacity_l=240,
                stream=Stream.general,
                note=HELD_NOTE,
                device_id=HELD_DEVICE,
                observed_at=datetime.now(UTC),
            ),
            raw_payload=json.dumps({"note": HELD_NOTE, "extra": RAW_ONLY}),
            content_type="application/json",
            submitter=head,
            settings=settings,
        )
        assert not held.submission.applied
        first = session.exec(select(Submission).order_by(Submission.id)).first()
        assert first is not None
        photo = _photo_with_gps()
        digest = store_media(settings=settings, data=photo)
        attach_media(
            session=session,
            submission=first,
            name="bin.jpg",
            sha256=digest,
            media_type="image/jpeg",
            size_bytes=len(photo),
        )
        plan_id = session.exec(select(AllocationPlanRecord.id)).one()
        _plant_plan_item_history(session, plan_id)
        session.commit()
        report = accept_report(  # a resident's report, accepted by staff: public, contact not
            session=session,
            draft=ReportDraft(
                kind="bin_full",
                lon=LON0 + 0.0002,
                lat=LAT0,
                description="ถังหน้าวัดเต็ม",
                contact_name=CITIZEN_NAME,
                contact_phone=CITIZEN_PHONE,
                contact_email=CITIZEN_EMAIL,
                draft_id=CITIZEN_DRAFT,
            ),
            settings=settings,
        )
        report.visibility = ReportVisibility.public
        session.add(report)
        session.commit()
        pending = accept_report(  # waiting for moderation: nothing of it is public
            session=session,
            draft=ReportDraft(
                kind="dumping",
                lon=LON0 + 0.0004,
                lat=LAT0,
                description=PENDING_SECRET,
                contact_name=CITIZEN_NAME,
                contact_phone=CITIZEN_PHONE,
            ),
            settings=settings,
        )
        assert pending.visibility == ReportVisibility.pending
        pending_ticket, pending_key = pending.ticket, pending.access_key
        _, partner_key = add_key(session=session, name="partner-app")
        session.commit()
        partner_report = accept_report(
            session=session,
            draft=ReportDraft(
                kind="bin_full",
                lon=LON0 + 0.005,
                lat=LAT0 + 0.005,
                description="ถังเต็ม",
                address=REPORTER_ADDRESS,
                contact_name=REPORTER_NAME,
                contact_phone=REPORTER_PHONE,
                contact_email=REPORTER_EMAIL,
                channel="open311",
                partner="partner-app",
            ),
            settings=settings.model_copy(update={"citizen_reports_public_at_once": True}),
        )
        ticket, key = report.ticket, report.access_key
    secrets = [
        HOUSE_NO,
        HOUSE_NO_2,
        HOUSEHOLD_REF,
        f"{HOUSE_LON:.6f}",
        f"{HOUSE_LAT:.6f}",
        SURVEYOR_NAME,
        SURVEYOR_PHONE,
        VIEWER_NAME,
        VIEWER_USERNAME,
        VIEWER_PHONE,
        PLAN_STAFF_NAME,
        PLAN_NOTE,
        "0897776666",
        "head1",
        "staff1",
        NOTE,
        "0899999999",
        HELD_NOTE,
        "0823334444",
        "B-HELD",
        "android-abc",
        HELD_DEVICE,
        HELD_INSTANCE,
        "uuid:7d7e2b8e-0000-4000-8000-000000000001",
        RAW_ONLY,
        CAMERA_MAKE,
        EXIF_LAT,
        digest,
        seeded["head"],
        seeded["staff"],
        viewer_token,
        CITIZEN_NAME,
        CITIZEN_PHONE,
        CITIZEN_EMAIL,
        CITIZEN_DRAFT,
        REPORTER_NAME,
        REPORTER_PHONE,
        REPORTER_EMAIL,
        REPORTER_ADDRESS,
        partner_report.access_key,
        partner_key,
        PENDING_SECRET,
        "0861239876",
        pending_ticket,
        pending_key,
    ]
    return {
        "secrets": secrets,
        "photo": digest,
        "plan": plan_id,
        "ticket": ticket,
        "key": key,
    }


# --- reading what was answered -----------------------------------------------------------------
def _pdf_text(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def _xlsx_text(data: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    parts: list[str] = []
    props = workbook.properties
    parts += [str(v) for v in (props.creator, props.lastModifiedBy, props.title) if v]
    for sheet in workbook.worksheets:
        parts.append(sheet.title)
        for row in sheet.iter_rows():
            for cell in row:
                parts += [str(cell.value)] if cell.value is not None else []
                parts += [cell.comment.text] if cell.comment is not None else []
    return "\n".join(parts)


def _readable(data: bytes, media_type: str) -> str:
    """Every readable form of an answer: decoded, unescaped (HTML entities, ``\\u`` escapes
    in scripts, percent-encoding), cell values and PDF text."""
    if media_type.startswith("application/pdf"):
        return _pdf_text(data)
    if "spreadsheetml" in media_type:
        return _xlsx_text(data)
    text = data.decode("utf-8", errors="replace")
    forms = [text, html.unescape(text), unquote(text)]
    forms.append(re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text))
    if "json" in media_type:
        forms.append(json.dumps(json.loads(text), ensure_ascii=False))
    return "\n".join(forms)


def _links(text: str) -> set[str]:
    """Same-site paths an answer points to: href/src attributes and paths in JSON strings."""
    found = set(re.findall(r"""(?:href|src)\s*=\s*["'](/[^"'#?]*)""", text))
    found |= set(re.findall(r'"(/(?:public|vendor|static)/[^"#?\s]*)"', text))
    return {link for link in found if not link.startswith("//")}


def _get_routes(app: FastAPI) -> dict[str, set[str]]:
    """Every route path of the app → its methods (routers included lazily are expanded)."""
    routes: dict[str, set[str]] = {}
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        expanded = list(contexts() if callable(contexts) else contexts) if contexts else [route]
        for item in expanded:
            methods = getattr(item, "methods", None)
            if methods is not None:
                routes.setdefault(item.path, set()).update(methods)
    return routes


def _urls(path: str, planted: dict[str, Any]) -> list[str]:
    if "{" not in path and path not in ROUTE_EXAMPLES:
        return [path]
    assert path in ROUTE_EXAMPLES, f"add example URLs for the new route {path} to ROUTE_EXAMPLES"
    return [
        u.replace("{plan}", str(planted["plan"]))
        .replace("{photo}", planted["photo"])
        .replace("{ticket}", planted["ticket"])
        .replace("{key}", planted["key"])
        for u in ROUTE_EXAMPLES[path]
    ]


# --- the scan ----------------------------------------------------------------------------------
def test_no_anonymous_page_or_file_shows_personal_data(
    client: TestClient, planted: dict[str, Any]
) -> None:
    secrets: list[str] = planted["secrets"]
    routes = {p: m for p, m in _get_routes(client.app).items() if "GET" in m}  # type: ignore[arg-type]
    open_routes: set[str] = set()
    queue: list[tuple[str, str]] = [(u, path) for path in routes for u in _urls(path, planted)]
    seen: set[str] = set()
    public_texts: dict[str, str] = {}
    while queue:
        url, route = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        answer = client.get(url, follow_redirects=False)
        assert answer.status_code < 500, url
        location = answer.headers.get("location", "")
        if answer.is_redirect and location.startswith("/") and not location.startswith("//"):
            queue.append((location, f"linked from {url}"))
        if answer.status_code != 200:
            continue
        if not route.startswith("linked from"):
            open_routes.add(route)
        media_type = answer.headers.get("content-type", "")
        for secret in secrets:
            assert secret.encode("utf-8") not in answer.content, f"{secret!r} in {url}"
        if media_type.startswith(("image/", "font/")):
            continue
        text = _readable(answer.content, media_type)
        for secret in secrets:
            assert secret not in text, f"{secret!r} leaked in {url}"
        if url.startswith("/public"):
            public_texts[url] = text
        queue += [(link, f"linked from {url}") for link in _links(text) - seen]
    assert open_routes == ANONYMOUS_ROUTES
    # The public pages link their files: the map, each open-data file and the plan's PDF/XLSX.
    for url in (
        "/public/map.html",
        "/public/data/villages.geojson",
        "/public/data/plan.csv",
        "/public/data/reports.csv",
        "/public/data/reports.geojson",
        "/public/plan.pdf",
        "/public/plan.xlsx",
        "/public/data/metadata.json",
    ):
        assert url in public_texts, url
    # Photos stay private: no public answer names a media URL, and the photo itself is refused.
    for url, text in public_texts.items():
        assert not re.search(r"/media/[0-9a-f]{64}", text), url
    assert client.get(f"/api/v1/media/{planted['photo']}").status_code == 401
    # The accepted report is really shown on the public side (the scan read its text), with
    # its ticket; the pending one is nowhere (above).
    for url in ("/public", "/public/map.html", "/public/data/reports.csv"):
        assert planted["ticket"] in public_texts[url], url
    assert "ถังหน้าวัดเต็ม" in public_texts["/public/data/reports.geojson"]
    # The plan's printed notice really was read (Thai text out of the PDF).
    assert "ถังขยะ" in public_texts["/public/plan.pdf"]
