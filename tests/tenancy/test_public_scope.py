"""Public pages, open data and the allocation list of one subdistrict (``/public/<code>/…``)
never show another subdistrict's rows; ``/public`` lists the subdistricts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import AllocationPlanRecord
from fieldsvc.services import public_data
from tests.intake.conftest import add_bin
from tests.tenancy.conftest import TwoSubdistricts

A_NAMES = ("ตำบลทดสอบ", "บ้านหนองบัว", "บ้านโนนสะอาด", "บ้านดอนแดง", "NB-0101", "ถังแผน ก")
B_NAMES = ("ตำบลโนนสูง", "บ้านหนองใหญ่", "บ้านโคกกลาง", "NB-0201", "ถังแผน ข")


def _plan(subdistrict_id: int | None, title: str, village_name: str) -> AllocationPlanRecord:
    return AllocationPlanRecord(
        subdistrict_id=subdistrict_id,
        version=1,
        title=title,
        fiscal_year_be=2570,
        status="published",
        published_at=datetime(2026, 11, 1, tzinfo=UTC),
        budget_baht=10000.0,
        recommendations=[
            {
                "rank": 1,
                "reason": "capacity",
                "village_number": 1,
                "village_name": village_name,
                "stream": "general",
                "capacity_l": 200,
                "count": 1,
                "lon": None,
                "lat": None,
                "households_added": 0,
                "cost_baht": 1500.0,
                "cumulative_cost_baht": 1500.0,
            }
        ],
    )


@pytest.fixture
def world(session: Session, two: TwoSubdistricts) -> TwoSubdistricts:
    add_bin(session, "NB-0101", 16.305, 103.305)  # A's หมู่ 1
    add_bin(session, "NB-0201", 16.305, 103.345)  # B's หมู่ 1
    session.add(_plan(two.a.subdistrict.id, "ถังแผน ก", "บ้านหนองบัว"))
    session.add(_plan(two.b.subdistrict.id, "ถังแผน ข", "บ้านหนองใหญ่"))
    session.commit()
    public_data.clear_cache()
    return two


@pytest.fixture
def client(settings: Settings, engine: Engine, world: TwoSubdistricts) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


SCOPED = (
    "",
    "/map.html",
    "/data/metadata.json",
    "/data/villages.csv",
    "/data/villages.geojson",
    "/data/bins.csv",
    "/data/bins.geojson",
    "/data/plan.csv",
    "/data/reports.csv",
    "/data/reports.geojson",
    "/plan.csv",
)


@pytest.mark.parametrize("tail", SCOPED)
@pytest.mark.parametrize(
    ("code", "own", "other"), [("999901", A_NAMES, B_NAMES), ("999902", B_NAMES, A_NAMES)]
)
def test_a_subdistricts_public_answers_hold_none_of_the_others_rows(
    client: TestClient, tail: str, code: str, own: tuple[str, ...], other: tuple[str, ...]
) -> None:
    answer = client.get(f"/public/{code}{tail}")
    assert answer.status_code == 200, answer.text
    text = answer.content.decode("utf-8")
    assert not [name for name in other if name in text]
    if tail in ("/data/bins.csv", "/data/bins.geojson"):
        assert own[-2] in text  # its own bin
    if tail == "":
        assert own[0] in text  # its own name


def test_each_subdistricts_page_shows_its_own_bins_villages_and_plan(client: TestClient) -> None:
    page = client.get("/public/999902").text
    assert "ตำบลโนนสูง" in page and "บ้านหนองใหญ่" in page and "ถังแผน ข" in page
    assert "/public/999902/map.html" in page and "/public/999902/plan.pdf" in page
    bins = client.get("/public/999901/data/bins.csv").text
    assert "NB-0101" in bins
    plan = client.get("/public/999901/data/plan.csv").text
    assert "บ้านหนองบัว" in plan


@pytest.mark.parametrize(
    "path",
    [
        "/public/123456",
        "/public/123456/map.html",
        "/public/123456/data/metadata.json",
        "/public/123456/data/bins.csv",
        "/public/123456/data/bins.geojson",
        "/public/123456/plan.pdf",
    ],
)
def test_an_unknown_code_is_not_found(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert error["field"] == "subdistrict" and "123456" in error["message"]


def test_the_public_index_lists_each_subdistrict_and_the_provincial_overview(
    client: TestClient,
) -> None:
    page = client.get("/public").text
    for code, name in (("999901", "ตำบลทดสอบ"), ("999902", "ตำบลโนนสูง")):
        assert f'href="/public/{code}"' in page and name in page
    assert 'href="/public/province"' in page
    assert client.get("/public/province").status_code == 200


def test_unscoped_open_data_holds_every_subdistrict_with_its_code(client: TestClient) -> None:
    rows = client.get("/public/data/bins.csv").text.lstrip("\ufeff").splitlines()
    assert rows[0].startswith("subdistrict_code,code")
    assert any(r.startswith("999901,NB-0101") for r in rows)
    assert any(r.startswith("999902,NB-0201") for r in rows)
    villages = client.get("/public/data/villages.geojson").json()["features"]
    pairs = {(f["properties"]["subdistrict_code"], f["properties"]["number"]) for f in villages}
    assert sorted(pairs) == [
        ("999901", 1),
        ("999901", 2),
        ("999901", 3),
        ("999902", 1),
        ("999902", 2),
    ]
    meta = client.get("/public/data/metadata.json").json()
    assert [s["code"] for s in meta["subdistricts"]] == ["999901", "999902"]


def test_unscoped_map_and_plan_ask_for_a_subdistrict(client: TestClient) -> None:
    moved = client.get("/public/map.html", follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == "/public"
    plan = client.get("/public/plan.pdf")
    assert plan.status_code in (400, 422)
    error = plan.json()["error"]
    assert error["field"] == "subdistrict" and "2 subdistricts" in error["message"]


# --- OGC API – Features and the provincial overview ---------------------------------------------
def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("code", "own", "other"), [("999901", "NB-0101", "NB-0201"), ("999902", "NB-0201", "NB-0101")]
)
def test_ogc_public_collections_filter_by_subdistrict(
    client: TestClient, code: str, own: str, other: str
) -> None:
    bins = client.get(f"/ogc/collections/bins/items?subdistrict={code}").json()
    assert [f["id"] for f in bins["features"]] == [own]
    villages = client.get(f"/ogc/collections/villages/items?subdistrict={code}").text
    names = A_NAMES[1:4] if code == "999901" else B_NAMES[1:3]
    others = B_NAMES[1:3] if code == "999901" else A_NAMES[1:4]
    assert all(n in villages for n in names) and not [n for n in others if n in villages]
    sites = client.get(f"/ogc/collections/recommended-sites/items?subdistrict={code}")
    assert sites.status_code == 200 and other not in sites.text
    unfiltered = client.get("/ogc/collections/bins/items").json()
    assert sorted(f["id"] for f in unfiltered["features"]) == ["NB-0101", "NB-0201"]


def test_ogc_unknown_subdistrict_is_not_found(client: TestClient) -> None:
    answer = client.get("/ogc/collections/bins/items?subdistrict=123456")
    assert answer.status_code == 404 and answer.json()["error"]["field"] == "subdistrict"


def test_ogc_inspections_show_only_the_callers_subdistricts(
    client: TestClient, world: TwoSubdistricts
) -> None:
    def codes(token: str) -> list[str]:
        page = client.get("/ogc/collections/inspections/items", headers=_bearer(token)).json()
        return sorted(f["properties"]["bin_code"] for f in page["features"])

    assert codes(world.b.tokens["staff"]) == ["NB-0201"]
    assert codes(world.a.tokens["viewer"]) == ["NB-0101"]
    assert codes(world.provincial_token) == ["NB-0101", "NB-0201"]
    a_page = client.get(
        "/ogc/collections/inspections/items", headers=_bearer(world.a.tokens["admin"])
    )
    a_id = a_page.json()["features"][0]["id"]
    one = f"/ogc/collections/inspections/items/{a_id}"
    assert client.get(one, headers=_bearer(world.a.tokens["staff"])).status_code == 200
    assert client.get(one, headers=_bearer(world.b.tokens["staff"])).status_code == 404


def test_staff_province_lists_the_users_subdistricts_and_the_public_one_all(
    client: TestClient, world: TwoSubdistricts
) -> None:
    b_page = client.get("/staff/province", headers=_bearer(world.b.tokens["viewer"])).text
    assert "ตำบลโนนสูง" in b_page and "ตำบลทดสอบ" not in b_page
    a_file = client.get("/staff/province.csv", headers=_bearer(world.a.tokens["staff"])).text
    assert "999901" in a_file and "999902" not in a_file
    both = client.get("/staff/province", headers=_bearer(world.provincial_token)).text
    assert "ตำบลโนนสูง" in both and "ตำบลทดสอบ" in both
    public = client.get("/public/province").text
    assert "ตำบลโนนสูง" in public and "ตำบลทดสอบ" in public
    assert 'href="/staff/province"' in b_page  # the staff navigation links to it
