"""The authorization matrix across subdistricts: every route of the app, called by the users of
subdistrict B (ตำบลโนนสูง, 999902) with subdistrict A's objects (ตำบลทดสอบ, 999901) in the path.

The world is the ``two`` subdistricts of ``tests/tenancy/conftest.py``, seeded with A's objects
exactly like the single-subdistrict matrix (``tests/api/test_authorization_matrix.py``): the
head of A's หมู่ 1 surveys bin A-0001 with a photo, a draft and a published plan (with one item
to follow), a work order on A-0001, two residents' reports (one with a photo, one public). B has
its own survey and bin B-0001 in its หมู่ 1 (by B's head), a draft plan, a work order and a
public resident's report, so B's lists, pages and maps are not empty.

The rules (/tmp tenancy design, issue 16):

* an object of A (by id, code, ticket, photo) answers 404 to B's viewer, staff and admin, for
  reads and writes alike — its existence is not told; B's village head keeps the answer heads
  get for another village (mostly 403);
* lists, pages, exports and maps answer B's users (2xx) with B's rows only: no marker of A in
  the body (``clean``);
* a refused write changes no row; a write B's users may make changes no row of A and adds none;
* choosing A with ``?subdistrict=999901`` is refused: 403 ``subdistrict_not_yours``;
* public pages of one subdistrict (``/public/<code>/…``) never show another's rows.

Controls: A's own staff and a provincial admin (every subdistrict) get the single-subdistrict
matrix's answers on the same world, and see A's markers where B's users must not, so every 404
and every clean page is about the subdistrict, not about an empty or broken world.
"""

from __future__ import annotations

import contextlib
import html
import inspect
import io
import json
import subprocess
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import (
    AllocationPlanRecord,
    Attachment,
    AttachmentVersion,
    Bin,
    BinCreate,
    Condition,
    Inspection,
    PlanItem,
    PlanItemBin,
    PlanItemEvent,
    Stream,
    Submission,
    Village,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderKind,
)
from fieldsvc.models.citizen import CitizenReport
from fieldsvc.models.labels import IssuedCode
from fieldsvc.models.survey import SubmissionReview
from fieldsvc.services import planning, work_orders
from fieldsvc.services.citizen_reports import ReportDraft, accept_report
from fieldsvc.storage.register import create_bin
from tests.api.test_authorization_matrix import (
    LAT_A,
    LON_A,
    MATRIX,
    MOUNTS,
    ROLES,
    World,
    _matches,
    _path,
    _request_body,
    app_routes,
    village_a_reports,
)
from tests.intake.conftest import bin_xml, jpeg_bytes
from tests.tenancy.conftest import B_VILLAGE_CENTRES, make_two_subdistricts

#: Run once, on the SQLite pass: each row seeds a fresh two-subdistrict world, and the scoped
#: queries behind the routes run on PostGIS in the per-area tests of tests/tenancy/.
pytestmark = pytest.mark.sqlite_pass_only

CODE_A, CODE_B = "999901", "999902"
#: The plans' titles: a list of plans shows no village or bin, so its titles are the markers.
PLAN_TITLES = {
    "a_published": "แผนจัดสรรถังแผนกอ",
    "a_draft": "แผนร่างแผนกอ",
    "b_published": "แผนจัดสรรถังแผนขอ",
}
LAT_B, LON_B = B_VILLAGE_CENTRES[1]

#: B's users, in the order of every row of ``OTHER``.
CALLERS = ("viewer_b", "staff_b", "admin_b", "head_b")
#: The controls: A's own health staff and a provincial admin (works for every subdistrict,
#: A first). Their answers are the single-subdistrict matrix's "staff" and "admin" columns.
CONTROLS = {"staff_a": "staff", "province": "admin"}

#: (method, path) → the answer to B's users, in the order of ``CALLERS``, with A's ids, codes,
#: tickets and photo in the path: an exact status, ``2xx`` / ``3xx`` for any success or
#: redirect, ``clean`` for a success whose body shows no marker of A (``A_MARKERS``), or
#: ``kept`` for a survey accepted (2xx) but applied to nothing of A.
OTHER: dict[tuple[str, str], str] = {
    # (method, path): "viewer_b staff_b admin_b head_b"
    # --- public, no subdistrict's data: the same for everyone ---
    ("GET", "/"): "2xx 2xx 2xx 2xx",
    ("GET", "/docs"): "2xx 2xx 2xx 2xx",
    ("GET", "/healthz"): "2xx 2xx 2xx 2xx",
    ("GET", "/readyz"): "2xx 2xx 2xx 2xx",
    ("GET", "/openapi.json"): "2xx 2xx 2xx 2xx",
    ("GET", "/m"): "3xx 3xx 3xx 3xx",
    ("GET", "/m/"): "2xx 2xx 2xx 2xx",
    ("GET", "/m/sw.js"): "2xx 2xx 2xx 2xx",
    ("GET", "/m/{name}"): "2xx 2xx 2xx 2xx",
    ("GET", "/tiles/{z}/{x}/{y}.{ext}"): "404 404 404 404",  # the test install has no tiles
    # --- residents' reports: the public page is anyone's, about any place (a report sent at
    # A's point belongs to A); the status page opens with the resident's own key ---
    ("GET", "/report"): "2xx 2xx 2xx 2xx",
    ("GET", "/report/"): "3xx 3xx 3xx 3xx",
    ("GET", "/report/sw.js"): "2xx 2xx 2xx 2xx",
    ("GET", "/report/{name}"): "2xx 2xx 2xx 2xx",
    ("GET", "/report/nearby"): "2xx 2xx 2xx 2xx",
    ("GET", "/report/t/{ticket}"): "2xx 2xx 2xx 2xx",
    ("POST", "/report/send"): "2xx 2xx 2xx 2xx",
    # staff triage of A's reports: B's staff and admin are not told they exist; viewers and
    # heads are refused by role first
    ("GET", "/api/v1/citizen/reports"): "clean clean clean 403",
    ("GET", "/api/v1/citizen/reports/{ticket}"): "404 404 404 403",
    ("GET", "/api/v1/citizen/reports/{ticket}/photo"): "404 404 404 403",
    ("POST", "/api/v1/citizen/reports/{ticket}/moderation"): "403 404 404 403",
    ("POST", "/api/v1/citizen/reports/{ticket}/triage"): "403 404 404 403",
    ("GET", "/staff/reports"): "clean clean clean 403",
    ("GET", "/staff/reports/{ticket}"): "404 404 404 403",
    ("POST", "/staff/reports/{ticket}"): "403 404 404 403",
    # --- public pages and open data, one subdistrict each (called with A's code: public, so
    # anyone reads them; that they hold A's rows only is test_public_pages_show_one_subdistrict)
    # /public itself: the list of subdistricts (their names are public)
    ("GET", "/public"): "2xx 2xx 2xx 2xx",
    ("GET", "/public/{code:dopa}"): "2xx 2xx 2xx 2xx",
    ("GET", "/public/{code:dopa}/map.html"): "2xx 2xx 2xx 2xx",
    ("GET", "/public/{code:dopa}/data/metadata.json"): "2xx 2xx 2xx 2xx",
    ("GET", "/public/{code:dopa}/data/{name}.csv"): "2xx 2xx 2xx 2xx",
    ("GET", "/public/{code:dopa}/data/{name}.geojson"): "2xx 2xx 2xx 2xx",
    ("GET", "/public/{code:dopa}/plan.{kind}"): "2xx 2xx 2xx 2xx",
    # the provincial overview: one row per subdistrict, counts only, public as well
    # the install's combined open data (every subdistrict, a subdistrict_code column: public
    # anyway); the combined map and plan ask which subdistrict (the index / 422)
    ("GET", "/public/data/metadata.json"): "2xx 2xx 2xx 2xx",
    ("GET", "/public/data/{name}.csv"): "2xx 2xx 2xx 2xx",
    ("GET", "/public/data/{name}.geojson"): "2xx 2xx 2xx 2xx",
    ("GET", "/public/map.html"): "3xx 3xx 3xx 3xx",
    ("GET", "/public/plan.{kind}"): "422 422 422 422",
    ("GET", "/public/province"): "2xx 2xx 2xx 2xx",
    ("GET", "/public/province.{kind}"): "2xx 2xx 2xx 2xx",
    ("GET", "/staff/province"): "2xx 2xx 2xx 403",
    ("GET", "/staff/province.{kind}"): "2xx 2xx 2xx 403",
    # --- OGC API – Features: documents are public; the staff-only "inspections" collection
    # lists the workplace's inspections; A's inspection by id is not told ---
    ("GET", "/ogc"): "2xx 2xx 2xx 2xx",
    ("GET", "/ogc/api.html"): "2xx 2xx 2xx 2xx",
    ("GET", "/ogc/collections"): "2xx 2xx 2xx 2xx",
    ("GET", "/ogc/conformance"): "2xx 2xx 2xx 2xx",
    ("GET", "/ogc/openapi"): "2xx 2xx 2xx 2xx",
    ("GET", "/ogc/collections/{collection_id}"): "2xx 2xx 2xx 403",
    ("GET", "/ogc/collections/{collection_id}/items"): "clean clean clean 403",
    ("GET", "/ogc/collections/{collection_id}/items/{feature_id:path}"): "404 404 404 403",
    # --- sign-in (B's own tokens) and the workplace switcher ---
    ("GET", "/login"): "2xx 2xx 2xx 2xx",
    ("GET", "/login/{token}"): "2xx 2xx 2xx 2xx",
    ("POST", "/login"): "3xx 3xx 3xx 3xx",
    ("POST", "/logout"): "3xx 3xx 3xx 3xx",
    # choosing A as the workplace: not B's users' subdistrict
    ("POST", "/staff/subdistrict"): "403 403 403 403",
    # --- JSON API: reading (lists: B's rows only; A's objects: 404, heads 403) ---
    ("GET", "/api/v1/me"): "clean clean clean clean",
    ("GET", "/api/v1/villages"): "clean clean clean clean",
    ("GET", "/api/v1/basemap"): "clean clean clean clean",
    ("GET", "/api/v1/bins"): "clean clean clean clean",
    # at A's survey point, 100 m around: A's bin is not B's
    ("GET", "/api/v1/bins/near"): "clean clean clean clean",
    ("GET", "/api/v1/bins/{code}"): "404 404 404 403",
    ("GET", "/api/v1/submissions"): "clean clean clean clean",
    ("GET", "/api/v1/submissions/{submission_id}"): "404 404 404 403",
    ("GET", "/api/v1/media/{sha256}"): "404 404 404 403",
    ("GET", "/api/v1/media/{sha256}/thumbnail"): "404 404 404 403",
    ("GET", "/api/v1/coverage"): "clean clean clean 403",
    ("GET", "/api/v1/allocations"): "clean clean clean 403",
    ("GET", "/api/v1/allocations/{plan_id}"): "404 404 404 403",
    ("GET", "/api/v1/allocations/{plan_id}/items"): "404 404 404 403",
    ("GET", "/api/v1/batch-reviews/preview"): "403 clean clean 403",
    ("GET", "/api/v1/work-orders"): "clean clean clean 403",
    ("GET", "/api/v1/work-orders/{order_id}/events"): "404 404 404 403",
    # --- JSON API: writes. A new plan or fresh stickers are B's own (A unchanged); a survey
    # naming A's bin A-0001 at A's point is kept but applied to nothing of A ---
    ("POST", "/api/v1/allocations"): "403 2xx 2xx 403",
    ("POST", "/api/v1/allocations/{plan_id}/publish"): "403 404 404 403",
    ("POST", "/api/v1/allocations/{plan_id}/items/{item_id}/stage"): "403 404 404 403",
    ("POST", "/api/v1/allocations/{plan_id}/items/{item_id}/price"): "403 404 404 403",
    ("POST", "/api/v1/allocations/{plan_id}/items/{item_id}/bins"): "403 404 404 403",
    # the token names A's survey; B's selection (B's received survey) is another: 409, nothing
    # decided
    ("POST", "/api/v1/batch-reviews"): "403 409 409 403",
    # หมู่ 1 of the workplace: B's หมู่ 1, not A's (the same number on purpose)
    ("POST", "/api/v1/labels/fresh"): "403 2xx 2xx 403",
    ("POST", "/api/v1/submissions"): "403 kept kept kept",
    ("POST", "/api/v1/submissions/multipart"): "403 kept kept kept",
    ("POST", "/api/v1/submissions/{submission_id}/corrections"): "403 404 404 403",
    ("POST", "/api/v1/submissions/{submission_id}/review"): "403 404 404 403",
    # another subdistrict's survey is not found, before asking whether a viewer may write
    ("PUT", "/api/v1/submissions/{submission_id}/attachments/{name}"): "404 404 404 403",
    ("POST", "/api/v1/work-orders/{order_id}/assign"): "403 404 404 403",
    ("POST", "/api/v1/work-orders/{order_id}/done"): "403 404 404 403",
    ("POST", "/api/v1/work-orders/{order_id}/cancel"): "403 404 404 403",
    # --- OpenRosa (B's token in the path): the forms' villages.csv / bins.csv are B's ---
    ("GET", "/openrosa/{token}/formList"): "2xx 2xx 2xx 2xx",
    ("GET", "/openrosa/{token}/forms/{form_id}.xml"): "2xx 2xx 2xx 2xx",
    ("GET", "/openrosa/{token}/forms/{form_id}/manifest"): "2xx 2xx 2xx 2xx",
    ("GET", "/openrosa/{token}/forms/{form_id}/media/{filename}"): "clean clean clean clean",
    ("GET", "/openrosa/{token}/entities/{dataset}/integrity"): "2xx 2xx 2xx 2xx",
    ("HEAD", "/openrosa/{token}/submission"): "2xx 2xx 2xx 2xx",
    ("POST", "/openrosa/{token}/submission"): "403 kept kept kept",
    # --- staff pages and exports: the workplace (B) only ---
    ("GET", "/staff"): "clean clean clean 403",
    ("GET", "/staff/map"): "clean clean clean 403",
    ("GET", "/staff/map.html"): "clean clean clean 403",
    ("GET", "/staff/bins/{code}"): "404 404 404 403",
    ("GET", "/staff/export/coverage.{kind}"): "clean clean clean 403",
    ("GET", "/staff/export/coverage-series.{kind}"): "clean clean clean 403",
    ("GET", "/staff/export/register.gpkg"): "403 clean clean 403",
    ("GET", "/staff/reports/ita.{kind}"): "clean clean clean 403",
    ("GET", "/staff/review"): "clean clean clean 403",
    ("GET", "/staff/review/{key}"): "404 404 404 403",
    ("POST", "/staff/review/{key}"): "403 404 404 403",
    ("POST", "/staff/review/{key}/correct"): "403 404 404 403",
    ("GET", "/staff/batch-review"): "403 clean clean 403",
    ("POST", "/staff/batch-review"): "403 409 409 403",
    ("GET", "/staff/plans"): "clean clean clean 403",
    ("POST", "/staff/plans"): "403 3xx 3xx 403",
    ("GET", "/staff/plans/{plan_id}"): "404 404 404 403",
    ("GET", "/staff/plans/{plan_id}/export.{kind}"): "404 404 404 403",
    ("POST", "/staff/plans/{plan_id}/publish"): "403 404 404 403",
    ("POST", "/staff/plans/{plan_id}/items/{item_id}/stage"): "403 404 404 403",
    ("POST", "/staff/plans/{plan_id}/items/{item_id}/price"): "403 404 404 403",
    ("POST", "/staff/plans/{plan_id}/items/{item_id}/bins"): "403 404 404 403",
    ("GET", "/staff/work-orders"): "clean clean clean 403",
    ("POST", "/staff/work-orders/{order_id}/assign"): "403 404 404 403",
    ("POST", "/staff/work-orders/{order_id}/cancel"): "403 404 404 403",
    ("GET", "/staff/labels"): "403 clean clean 403",
    # หมู่ 1's stickers: B's หมู่ 1 (the PDF's text holds the bin codes)
    ("GET", "/staff/labels/{village}.pdf"): "403 clean clean 403",
    ("POST", "/staff/labels/fresh"): "403 2xx 2xx 403",
    # --- Open311 GeoReport v2: public reads of public requests (A's public report is public);
    # sending needs a partner's key, which users' tokens are not ---
    ("GET", "/open311/v2/discovery.{fmt}"): "2xx 2xx 2xx 2xx",
    ("GET", "/open311/v2/services.{fmt}"): "2xx 2xx 2xx 2xx",
    ("GET", "/open311/v2/services/{service_code}.{fmt}"): "2xx 2xx 2xx 2xx",
    ("GET", "/open311/v2/requests.{fmt}"): "2xx 2xx 2xx 2xx",
    ("GET", "/open311/v2/requests/{service_request_id}.{fmt}"): "2xx 2xx 2xx 2xx",
    ("POST", "/open311/v2/requests.{fmt}"): "403 403 403 403",
}

#: The controls' answers on routes the single-subdistrict matrix has no row for.
CONTROL_NEW_ROUTES: dict[tuple[str, str], str] = {
    # "staff_a province"
    # with two subdistricts the combined map leads to the index and the plan asks which one
    ("GET", "/public/map.html"): "3xx 3xx",
    ("GET", "/public/plan.{kind}"): "422 422",
    ("GET", "/public/{code:dopa}"): "2xx 2xx",
    ("GET", "/public/{code:dopa}/map.html"): "2xx 2xx",
    ("GET", "/public/{code:dopa}/data/metadata.json"): "2xx 2xx",
    ("GET", "/public/{code:dopa}/data/{name}.csv"): "2xx 2xx",
    ("GET", "/public/{code:dopa}/data/{name}.geojson"): "2xx 2xx",
    ("GET", "/public/{code:dopa}/plan.{kind}"): "2xx 2xx",
    ("POST", "/staff/subdistrict"): "3xx 3xx",  # choosing A: A's staff's own, the province's
}

#: ``clean`` rows whose answer shows none of A's markers even to A's own staff (so the control
#: cannot show that the page has A's rows to hide): a user's own record, the map page's frame.
NO_MARKERS_FOR_A_EITHER: set[tuple[str, str]] = {
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/batch-reviews/preview"),  # counts and survey ids, no codes or names
    # the office's yearly figures: counts and shares, no codes or names (the figures per
    # subdistrict: tests/tenancy/test_analysis_scope.py)
    ("GET", "/staff/reports/ita.{kind}"),
}

#: Lists that do not work in a chosen subdistrict, so ``?subdistrict=`` is not read there: the
#: phone's and Collect's lists are the caller's own subdistricts whatever the request asks (a
#: Collect token carries no choice), and OGC API answers an unknown query parameter with 400.
#: Asking for A there still shows nothing of A.
CHOICE_NOT_READ = {
    "/api/v1/basemap",
    "/openrosa/{token}/forms/{form_id}/media/{filename}",
    "/ogc/collections/{collection_id}/items",
}

#: Concrete URLs for the rows whose body is searched (several answers of one route).
EXAMPLES: dict[str, list[str]] = {
    "/openrosa/{token}/forms/{form_id}/media/{filename}": [
        "/openrosa/{token}/forms/village_households/media/villages.csv",
        "/openrosa/{token}/forms/bin_survey/media/bins.csv",
    ],
    "/staff/export/coverage.{kind}": [
        "/staff/export/coverage.csv",
        "/staff/export/coverage.xlsx",
        "/staff/export/coverage.html",
    ],
    "/staff/export/coverage-series.{kind}": [
        "/staff/export/coverage-series.csv",
        "/staff/export/coverage-series.json?by=village&fiscal_year=2570",
    ],
    "/staff/reports/ita.{kind}": [
        "/staff/reports/ita.xlsx?fiscal_year=2570",
        "/staff/reports/ita.docx?fiscal_year=2570",
    ],
    "/staff/labels/{village}.pdf": ["/staff/labels/1.pdf"],
    "/ogc/collections/{collection_id}/items": [
        "/ogc/collections/inspections/items",  # held surveys: test_held_surveys_… below
    ],
}

#: The public pages of one subdistrict, as an anonymous visitor opens them.
PUBLIC_PAGES: dict[str, list[str]] = {
    "/public/{code:dopa}": ["/public/{code}"],
    "/public/{code:dopa}/map.html": ["/public/{code}/map.html"],
    "/public/{code:dopa}/data/metadata.json": ["/public/{code}/data/metadata.json"],
    "/public/{code:dopa}/data/{name}.csv": [
        f"/public/{{code}}/data/{n}.csv" for n in ("villages", "bins", "plan", "reports")
    ],
    "/public/{code:dopa}/data/{name}.geojson": [
        f"/public/{{code}}/data/{n}.geojson" for n in ("villages", "bins", "reports")
    ],
    "/public/{code:dopa}/plan.{kind}": [
        f"/public/{{code}}/plan.{k}" for k in ("csv", "xlsx", "pdf")
    ],
}


# --- the world --------------------------------------------------------------------------------


@dataclass
class TwoWorld:
    world: World  # A's objects, with every caller's token
    a_id: int
    b_id: int
    a_markers: list[str] = field(default_factory=list)
    b_markers: list[str] = field(default_factory=list)


def _survey(code: str, sid: str, lat: float, lon: float, photos: list[str]) -> dict[str, Any]:
    return {
        "submission_id": sid,
        "form_id": "bin_survey",
        "bin_code": code,
        "village": 1,
        "location": {"lat": lat, "lon": lon, "accuracy_m": 4.0},
        "condition": "usable",
        "capacity_l": 240,
        "stream": "general",
        "households": 9,
        "observed_at": "2026-11-21T08:30:00+07:00",
        "photos": photos,
    }


def _create_plan(
    db: Session, settings: Settings, subdistrict_id: int, budget_baht: float, title: str
) -> AllocationPlanRecord:
    """A plan of one subdistrict. ``create_plan(subdistrict_id=…)`` comes with the plans
    helper's branch; before it, the plan is made install-wide and then given its subdistrict."""
    if "subdistrict_id" in inspect.signature(planning.create_plan).parameters:
        return planning.create_plan(
            session=db,
            settings=settings,
            budget_baht=budget_baht,
            title=title,
            subdistrict_id=subdistrict_id,  # type: ignore[call-arg]
        )
    plan = planning.create_plan(session=db, settings=settings, budget_baht=budget_baht, title=title)
    plan.subdistrict_id = subdistrict_id
    db.add(plan)
    db.flush()
    return plan


def _seed(engine: Engine, settings: Settings, client: TestClient) -> TwoWorld:
    with Session(engine, expire_on_commit=False) as db:
        two = make_two_subdistricts(db)
    a_id, b_id = two.a.subdistrict.id or 0, two.b.subdistrict.id or 0
    tokens: dict[str, str | None] = {
        "anonymous": None,
        "head_a": two.a.tokens["head"],
        "viewer_b": two.b.tokens["viewer"],
        "staff_b": two.b.tokens["staff"],
        "admin_b": two.b.tokens["admin"],
        "head_b": two.b.tokens["head"],
        "staff_a": two.a.tokens["staff"],
        "province": two.provincial_token,
    }
    head_a = {"Authorization": f"Bearer {two.a.tokens['head']}"}
    a_instance = str(uuid.uuid4())
    sent = client.post(
        "/api/v1/submissions",
        json=_survey("A-0001", a_instance, LAT_A, LON_A, ["bin.jpg"]),
        headers=head_a,
    )
    assert sent.status_code == 201 and sent.json()["applied"], sent.text
    photo = client.put(
        f"/api/v1/submissions/{sent.json()['id']}/attachments/bin.jpg",
        content=jpeg_bytes(),
        headers={**head_a, "Content-Type": "image/jpeg"},
    )
    assert photo.status_code == 200, photo.text
    with Session(engine, expire_on_commit=False) as db:  # B's bin, in B's หมู่ 1
        create_bin(
            session=db,
            bin_in=BinCreate(
                code="B-0001",
                lat=LAT_B,
                lon=LON_B,
                capacity_l=200,
                stream=Stream.general,
                condition=Condition.usable,
                village_id=two.b.village_ids[1],
            ),
            observed_at=datetime(2026, 10, 1, tzinfo=UTC),
        )
        db.commit()
    # B's head surveys it (whether his หมู่ 1 is B's, not A's: test_a_head_of_b_surveys_...)
    b_instance = str(uuid.uuid4())
    sent_b = client.post(
        "/api/v1/submissions",
        json=_survey("B-0001", b_instance, LAT_B, LON_B, []),
        headers={"Authorization": f"Bearer {two.b.tokens['head']}"},
    )
    assert sent_b.status_code == 201, sent_b.text
    with Session(engine, expire_on_commit=False) as db:
        published = _create_plan(db, settings, a_id, 50_000, PLAN_TITLES["a_published"])
        # one new site in A's หมู่ 1 (the world has no households, so the engine funds none):
        # publishing makes it the plan's one item to follow
        published.recommendations = [
            {
                "rank": 1,
                "reason": "coverage",
                "village_id": two.a.village_ids[1],
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
        draft = _create_plan(db, settings, a_id, 20_000, PLAN_TITLES["a_draft"])
        # B's own, published
        published_b = _create_plan(db, settings, b_id, 30_000, PLAN_TITLES["b_published"])
        published_b.recommendations = [
            {
                **published.recommendations[0],
                "village_id": two.b.village_ids[1],
                "lon": LON_B,
                "lat": LAT_B + 0.001,
            }
        ]
        planning.publish_plan(session=db, plan=published_b)
        bin_a = db.exec(select(Bin).where(Bin.code == "A-0001")).one()
        bin_b = db.exec(select(Bin).where(Bin.code == "B-0001")).one()
        order = work_orders.open_or_join_order(
            db, bin_a.id or 0, WorkOrderKind.repair, "staff", two.a.users["staff"]
        )
        work_orders.open_or_join_order(
            db, bin_b.id or 0, WorkOrderKind.repair, "staff", two.b.users["staff"]
        )
        db.commit()
        item = db.exec(select(PlanItem).where(PlanItem.plan_id == published.id)).first()
        assert item is not None, "the published test plan has items"
        published_plan_id, item_id = published.id or 0, item.id or 0
        report, public_report = village_a_reports(db, settings)
        at_once = settings.model_copy(update={"citizen_reports_public_at_once": True})
        public_report_b = accept_report(
            session=db,
            draft=ReportDraft(kind="bin_full", lon=LON_B, lat=LAT_B, contact_phone="0822222222"),
            settings=at_once,
        )
        for row, expected in ((report, a_id), (public_report, a_id), (public_report_b, b_id)):
            assert row.subdistrict_id == expected, "a report belongs to its point's subdistrict"
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
    world.order_id, world.staff_id = order.id or 0, two.a.users["staff"].id or 0
    a_markers = [
        "A-0001",
        "บ้านหนองบัว",
        "บ้านโนนสะอาด",
        "บ้านดอนแดง",
        "ตำบลทดสอบ",
        report.ticket,
        public_report.ticket,
        a_instance,
        world.sha256,
        PLAN_TITLES["a_published"],
        PLAN_TITLES["a_draft"],
    ]
    b_markers = [
        "B-0001",
        "บ้านหนองใหญ่",
        "บ้านโคกกลาง",
        "ตำบลโนนสูง",
        public_report_b.ticket,
        b_instance,
        PLAN_TITLES["b_published"],
    ]
    return TwoWorld(world, a_id, b_id, a_markers, b_markers)


@pytest.fixture
def client(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine), follow_redirects=False) as test_client:
        yield test_client


# --- one request per (route, caller) ----------------------------------------------------------


def _url(path: str, world: World, role: str, example: str | None = None) -> str:
    """The URL of a route called with A's objects (``example``: one of ``EXAMPLES``)."""
    if path.startswith("/public/{code:dopa}"):
        url = path.replace("{code:dopa}", CODE_A)
        if path.startswith("/public/{code:dopa}/data/"):
            url = url.replace("{name}", "bins")
        return url.replace("{kind}", "csv")
    if path == "/staff/subdistrict":
        return f"/staff/subdistrict?subdistrict={CODE_A}"
    if example is not None:
        return example.replace("{token}", world.tokens[role] or "not-a-token")
    return _path(path, world, role)


def _body(method: str, path: str, world: World, role: str) -> dict[str, Any]:
    """The single-subdistrict matrix's bodies, about A; surveys name A's own bin A-0001."""
    fresh = str(uuid.uuid4())
    if path == "/api/v1/submissions":
        return {"json": _survey("A-0001", fresh, LAT_A, LON_A, ["bin.jpg"])}
    if path == "/api/v1/submissions/multipart":
        text = json.dumps(_survey("A-0001", fresh, LAT_A, LON_A, []))
        return {"files": {"submission": (None, text)}}
    if path == "/openrosa/{token}/submission" and method == "POST":
        xml = bin_xml(f"uuid:{fresh}", code="A-0001", photo="")
        return {"files": [("xml_submission_file", ("s.xml", xml.encode(), "text/xml"))]}
    if path == "/staff/subdistrict":
        return {"data": {"subdistrict": CODE_A, "code": CODE_A}}
    if path.endswith("/items/{item_id}/stage"):
        stage = "delivered" if role in ("province", "admin_b") else "ordered"  # staff first
        if path.startswith("/staff/"):
            return {"data": {"stage": stage, "paid_baht": "900"}}
        return {"json": {"stage": stage, "paid_baht": 900}}
    return _request_body(method, path, world, role)


def _send(
    client: TestClient, method: str, path: str, world: World, role: str, example: str | None = None
) -> Any:
    token = world.tokens[role]
    in_path = path.startswith("/openrosa/") or path == "/login/{token}"
    kwargs = _body(method, path, world, role)
    headers = dict(kwargs.pop("headers", {}))
    if path.startswith("/openrosa/"):
        headers["X-OpenRosa-Version"] = "1.0"
    if token and not in_path:
        headers["Authorization"] = f"Bearer {token}"
    client.cookies.clear()  # a sign-in answer's cookie must not carry over to the next caller
    url = _url(path, world, role, example)
    return client.request(method, url, headers=headers, follow_redirects=False, **kwargs)


# --- reading an answer ------------------------------------------------------------------------


def _text(content: bytes) -> str:
    """Every piece of text in an answer: HTML/JSON/CSV as they are (JSON also unescaped), the
    members of an XLSX/DOCX, a PDF's text."""
    if content.startswith(b"%PDF"):
        done = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
        )
        return done.stdout.decode("utf-8")
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = [archive.read(n).decode("utf-8", "ignore") for n in archive.namelist()]
        return html.unescape("\n".join(parts))
    text = content.decode("utf-8", "ignore")
    with contextlib.suppress(ValueError):
        text += json.dumps(json.loads(text), ensure_ascii=False)
    return html.unescape(text) + unquote(text)


def _found(markers: list[str], content: bytes) -> list[str]:
    text = _text(content)
    return [m for m in markers if m in text]


# --- what a write may change ------------------------------------------------------------------

#: table → {row key → (the row's subdistrict, what a write could change)}
Snapshot = dict[str, dict[Any, tuple[int | None, Any]]]


def _snapshot(engine: Engine) -> Snapshot:
    with Session(engine) as db:
        villages = {v.id: v.subdistrict_id for v in db.exec(select(Village))}
        bins = {b.id: b.subdistrict_id for b in db.exec(select(Bin))}
        surveys = {s.id: s.subdistrict_id for s in db.exec(select(Submission))}
        plans = {p.id: p.subdistrict_id for p in db.exec(select(AllocationPlanRecord))}
        items = {i.id: plans.get(i.plan_id) for i in db.exec(select(PlanItem))}
        orders = {o.id: o.subdistrict_id for o in db.exec(select(WorkOrder))}
        return {
            "bins": {
                b.code: (b.subdistrict_id, (b.village_id, str(b.condition), b.lat, b.lon))
                for b in db.exec(select(Bin))
            },
            "inspections": {
                i.id: (bins.get(i.bin_id), (i.bin_id, i.submission_id))
                for i in db.exec(select(Inspection))
            },
            "photos": {  # received photos; a kept survey's empty slots are its own
                (a.submission_id, a.name): (surveys.get(a.submission_id), a.sha256)
                for a in db.exec(select(Attachment))
                if a.sha256 is not None
            },
            "photo_versions": {
                v.id: (None, v.attachment_id) for v in db.exec(select(AttachmentVersion))
            },
            "reviews": {
                r.id: (surveys.get(r.submission_id), r.submission_id)
                for r in db.exec(select(SubmissionReview))
            },
            "surveys": {
                s.instance_id: (
                    s.subdistrict_id,
                    (s.applied, str(s.review_state), s.is_current, s.bin_id),
                )
                for s in db.exec(select(Submission))
            },
            "plans": {
                p.id: (p.subdistrict_id, (str(p.status), p.version))
                for p in db.exec(select(AllocationPlanRecord))
            },
            "plan_items": {
                i.id: (plans.get(i.plan_id), (str(i.stage), i.paid_baht))
                for i in db.exec(select(PlanItem))
            },
            "plan_item_events": {
                e.id: (items.get(e.item_id), e.item_id) for e in db.exec(select(PlanItemEvent))
            },
            "plan_item_bins": {
                b.id: (items.get(b.item_id), b.item_id) for b in db.exec(select(PlanItemBin))
            },
            "work_orders": {
                o.id: (o.subdistrict_id, (str(o.status), o.assigned_to_id))
                for o in db.exec(select(WorkOrder))
            },
            "work_order_events": {
                e.id: (orders.get(e.order_id), e.order_id) for e in db.exec(select(WorkOrderEvent))
            },
            "citizen_reports": {
                r.ticket: (r.subdistrict_id, (str(r.status), str(r.visibility), r.public_reply))
                for r in db.exec(select(CitizenReport))
            },
            "issued_codes": {
                c.code: (villages.get(c.village_id), (c.village_id, c.used_at, c.bin_id))
                for c in db.exec(select(IssuedCode))
            },
        }


def _changes_of_a_success(before: Snapshot, after: Snapshot, path: str, b_id: int) -> list[str]:
    """What a write B's user may make changed wrongly: no existing row may change or go, and a
    new row is B's — but for a kept survey (never applied) and a resident's report sent from
    the public page, which belong to their point's subdistrict. Rows that hang on a kept survey
    (its review, its photo slot) follow it."""
    wrong: list[str] = []
    new_surveys = set(after["surveys"]) - set(before["surveys"])
    for table, rows in before.items():
        for key, value in rows.items():
            if after[table].get(key) != value:
                wrong.append(f"{table} {key}: {value} → {after[table].get(key)}")
    for instance in new_surveys:
        if after["surveys"][instance][1][0]:
            wrong.append(f"new survey {instance} was applied")
    for table, rows in after.items():
        if table == "surveys" or (table == "citizen_reports" and path == "/report/send"):
            continue
        for key in set(rows) - set(before[table]):
            if rows[key][0] != b_id:
                wrong.append(f"new {table} {key} of subdistrict {rows[key][0]}")
    return wrong


def _answer_ok(expected: str, response: Any, markers: list[str]) -> tuple[bool, str]:
    status = response.status_code
    if expected == "clean":
        if status // 100 != 2:
            return False, str(status)
        found = _found(markers, response.content)
        return not found, f"{status} showing {found}" if found else str(status)
    if expected == "kept":
        return status // 100 == 2, str(status)
    return _matches(expected, status), str(status)


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), sorted(OTHER), ids=lambda v: str(v))
def test_other_subdistricts_users_get_nothing_of_a(
    client: TestClient, engine: Engine, settings: Settings, method: str, path: str
) -> None:
    """B's viewer, staff, admin and village head, called with A's objects."""
    two = _seed(engine, settings, client)
    world = two.world
    expected = dict(zip(CALLERS, OTHER[(method, path)].split(), strict=True))
    writes = method not in ("GET", "HEAD")
    wrong: dict[str, tuple[str, str]] = {}
    for role in CALLERS:
        examples = EXAMPLES.get(path, [None]) if expected[role] == "clean" else [None]
        for example in examples:
            before = _snapshot(engine) if writes else None
            response = _send(client, method, path, world, role, example)
            ok, got = _answer_ok(expected[role], response, two.a_markers)
            if not ok:
                wrong[f"{role} {example or ''}".strip()] = (expected[role], got)
            if before is None:
                continue
            after = _snapshot(engine)
            if response.status_code >= 400:
                assert after == before, f"{method} {path} as {role}: refused but changed"
            else:
                changed = _changes_of_a_success(before, after, path, two.b_id)
                assert not changed, f"{method} {path} as {role} changed A: {changed}"
    assert not wrong, f"{method} {path}: expected vs got {wrong}"


@pytest.mark.parametrize(
    ("method", "path"), sorted(k for k, v in OTHER.items() if "clean" in v), ids=lambda v: str(v)
)
def test_choosing_another_subdistrict_is_refused(
    client: TestClient, engine: Engine, settings: Settings, method: str, path: str
) -> None:
    """``?subdistrict=999901`` on a workplace's list or page: 403 ``subdistrict_not_yours`` for
    each of B's users the row lets in (nothing of A is answered)."""
    two = _seed(engine, settings, client)
    world = two.world
    expected = dict(zip(CALLERS, OTHER[(method, path)].split(), strict=True))
    wrong: dict[str, str] = {}
    for role in (r for r in CALLERS if expected[r] == "clean"):
        example = EXAMPLES.get(path, [None])[0]
        url = _url(path, world, role, example)
        token = world.tokens[role] or ""
        headers = {} if path.startswith("/openrosa/") else {"Authorization": f"Bearer {token}"}
        headers["X-OpenRosa-Version"] = "1.0"
        client.cookies.clear()
        joiner = "&" if "?" in url else "?"
        response = client.get(f"{url}{joiner}subdistrict={CODE_A}", headers=headers)
        if path in CHOICE_NOT_READ:
            if response.status_code not in (200, 400) or _found(two.a_markers, response.content):
                wrong[role] = f"{response.status_code} {_found(two.a_markers, response.content)}"
            continue
        if response.status_code != 403 or f"ตำบลรหัส {CODE_A}" not in response.text:
            wrong[role] = f"{response.status_code} {_found(two.a_markers, response.content)}"
    assert not wrong, f"{method} {path} ?subdistrict={CODE_A}: expected 403, got {wrong}"


@pytest.mark.parametrize(("method", "path"), sorted(OTHER), ids=lambda v: str(v))
def test_a_own_staff_and_the_province_still_reach_a(
    client: TestClient, engine: Engine, settings: Settings, method: str, path: str
) -> None:
    """The control: on the same world, A's staff and the provincial admin get the answers of
    the single-subdistrict matrix (A's objects are there and reachable), and where B's users
    must see a clean page, A's staff see A's rows on it."""
    two = _seed(engine, settings, client)
    world = two.world
    if (method, path) in CONTROL_NEW_ROUTES:
        expected = dict(zip(CONTROLS, CONTROL_NEW_ROUTES[(method, path)].split(), strict=True))
    else:
        row = dict(zip(ROLES, MATRIX[(method, path)].split(), strict=True))
        expected = {caller: row[role] for caller, role in CONTROLS.items()}
    got: dict[str, tuple[str, int]] = {}
    for role in CONTROLS:
        response = _send(client, method, path, world, role)
        if not _matches(expected[role], response.status_code):
            got[role] = (expected[role], response.status_code)
    assert not got, f"{method} {path}: expected vs got {got}"
    if "clean" in OTHER[(method, path)] and (method, path) not in NO_MARKERS_FOR_A_EITHER:
        for example in EXAMPLES.get(path, [None]):
            response = _send(client, method, path, world, "staff_a", example)
            assert response.status_code // 100 == 2, (example, response.status_code)
            assert _found(two.a_markers, response.content), (
                f"{example or path}: A's staff see none of A's rows, so B's clean answer "
                "proves nothing"
            )


@pytest.mark.parametrize("path", sorted(PUBLIC_PAGES))
def test_public_pages_show_one_subdistrict(
    client: TestClient, engine: Engine, settings: Settings, path: str
) -> None:
    """An anonymous visitor: B's public pages and files hold none of A's rows, A's none of B's
    (and each holds its own, so the search is not of an empty page)."""
    two = _seed(engine, settings, client)
    wrong: dict[str, Any] = {}
    own_seen: dict[str, bool] = {CODE_A: False, CODE_B: False}
    for code, others, own in (
        (CODE_B, two.a_markers, two.b_markers),
        (CODE_A, two.b_markers, two.a_markers),
    ):
        for example in PUBLIC_PAGES[path]:
            url = example.replace("{code}", code)
            client.cookies.clear()
            response = client.get(url)
            if response.status_code != 200:
                wrong[url] = response.status_code
                continue
            if found := _found(others, response.content):
                wrong[url] = found
            own_seen[code] |= bool(_found(own, response.content))
    assert not wrong, f"{path}: {wrong}"
    assert all(own_seen.values()), f"{path}: a subdistrict's own rows missing: {own_seen}"


def test_every_route_has_a_row(settings: Settings, engine: Engine) -> None:
    routes, mounts = app_routes(create_app(settings, engine=engine))
    assert sorted(routes - set(OTHER)) == [], "new routes need a row in OTHER"
    assert sorted(set(OTHER) - routes) == [], "rows of routes that no longer exist"
    assert mounts == MOUNTS
    public = {p for _, p in routes if p.startswith("/public/{code:dopa}")}
    assert public == set(PUBLIC_PAGES), "every public page of a subdistrict is searched"
    assert set(OTHER) - set(MATRIX) <= set(CONTROL_NEW_ROUTES), "the controls need a row"


def test_a_head_of_b_surveys_b_village_one_not_a(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    """Village numbers are unique only within a subdistrict: B's head of หมู่ 1 surveying his
    bin in "หมู่ 1" means B's หมู่ 1 — the survey is applied to B's bin, and is B's."""
    two = _seed(engine, settings, client)
    instance = str(uuid.uuid4())
    sent = client.post(
        "/api/v1/submissions",
        json=_survey("B-0001", instance, LAT_B, LON_B, []),
        headers={"Authorization": f"Bearer {two.world.tokens['head_b']}"},
    )
    assert sent.status_code == 201 and sent.json()["applied"], sent.text
    with Session(engine) as db:
        stored_id = sent.json()["submission_id"]
        survey = db.exec(select(Submission).where(Submission.instance_id == stored_id)).one()
        village = db.get(Village, survey.village_id)
        assert survey.subdistrict_id == two.b_id
        assert village is not None and village.subdistrict_id == two.b_id


def test_held_surveys_in_qgis_are_the_callers_subdistricts_only(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    """The staff-only OGC collection of held surveys: A's head surveying a village not his
    (held, A's) is in A's staff's layer and not in B's, nor one by one."""
    two = _seed(engine, settings, client)
    sent = client.post(
        "/api/v1/submissions",
        json={**_survey("A-0009", str(uuid.uuid4()), LAT_A, LON_A + 0.01, []), "village": 2},
        headers={"Authorization": f"Bearer {two.world.tokens['head_a']}"},
    )
    assert sent.status_code == 201 and not sent.json()["applied"], sent.text
    held_id = sent.json()["id"]

    def ids(role: str) -> set[int]:
        client.cookies.clear()
        layer = client.get(
            "/ogc/collections/held-surveys/items",
            headers={"Authorization": f"Bearer {two.world.tokens[role]}"},
        )
        assert layer.status_code == 200, layer.text
        return {f["id"] for f in layer.json()["features"]}

    assert held_id in ids("staff_a")
    assert held_id not in ids("staff_b") and held_id not in ids("admin_b")
    one = client.get(
        f"/ogc/collections/held-surveys/items/{held_id}",
        headers={"Authorization": f"Bearer {two.world.tokens['staff_b']}"},
    )
    assert one.status_code == 404
