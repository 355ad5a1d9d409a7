"""OGC API – Features at /ogc: the documents, paging, filters and who may read what.

Expected counts are computed from the seeded bins in Python, independently of the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.ingest.survey import BIN_SURVEY_FORM, SurveyRecord
from fieldsvc.models import Channel, Condition, Household, Stream, User
from fieldsvc.services import planning, public_data
from fieldsvc.storage.submissions import receive_submission
from tests.intake.conftest import Place, add_bin, make_place
from tests.ogc.conftest import FIRST_INSPECTION, SeededBin, seed_bins

BINS = 250


@pytest.fixture
def world(engine: Engine, settings: Settings) -> Iterator[tuple[Place, list[SeededBin]]]:
    public_data.clear_cache()
    with Session(engine, expire_on_commit=False) as session:
        yield seed_bins(session, BINS)
    public_data.clear_cache()


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


def _staff(place: Place) -> dict[str, str]:
    return {"Authorization": f"Bearer {place.staff_token}"}


def _path(href: str) -> str:
    parts = urlsplit(href)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _walk(client: TestClient, url: str, headers: dict[str, str] | None = None) -> list[Any]:
    """Every feature, following next links to the end."""
    features: list[Any] = []
    next_url: str | None = url
    while next_url:
        page = client.get(next_url, headers=headers or {})
        assert page.status_code == 200, page.text
        assert page.headers["content-type"].startswith("application/geo+json")
        body = page.json()
        assert body["numberReturned"] == len(body["features"])
        features += body["features"]
        nexts = [link for link in body["links"] if link["rel"] == "next"]
        assert all(link["type"] == "application/geo+json" for link in nexts)
        next_url = _path(nexts[0]["href"]) if nexts else None
    return features


def test_landing_page_and_conformance_name_the_parts_clients_read(
    client: TestClient, world: Any
) -> None:
    landing = client.get("/ogc").json()
    rels = {link["rel"]: (link["href"], link["type"]) for link in landing["links"]}
    assert rels["self"] == ("http://testserver/ogc", "application/json")
    assert rels["service-desc"] == (
        "http://testserver/ogc/openapi",
        "application/vnd.oai.openapi+json;version=3.0",
    )
    assert rels["service-doc"] == ("http://testserver/ogc/api.html", "text/html")
    assert rels["conformance"][0] == "http://testserver/ogc/conformance"
    assert rels["data"][0] == "http://testserver/ogc/collections"
    conformance = client.get("/ogc/conformance").json()["conformsTo"]
    assert {c.rsplit("/", 1)[1] for c in conformance} == {"core", "geojson", "oas30"}
    described = client.get("/ogc/openapi")
    assert described.headers["content-type"].startswith("application/vnd.oai.openapi+json")
    api = described.json()
    assert api["openapi"].startswith("3.0")
    assert api["components"]["parameters"]["limit"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 10_000,
        "default": 100,
    }
    assert api["servers"] == [{"url": "http://testserver/ogc"}]
    assert "/collections/bins/items" in api["paths"]
    assert "/collections/inspections/items" not in api["paths"]  # staff only
    staff_api = client.get("/ogc/openapi", headers=_staff(world[0])).json()
    assert "/collections/inspections/items" in staff_api["paths"]
    page = client.get("/ogc/api.html")
    assert page.status_code == 200 and "/ogc/openapi" in page.text


def test_links_use_the_public_address_when_one_is_set(
    engine: Engine, settings: Settings, world: Any
) -> None:
    public = settings.model_copy(update={"public_base_url": "https://bins.example.go.th/"})
    with TestClient(create_app(public, engine=engine), base_url="http://localhost") as c:
        hrefs = [link["href"] for link in c.get("/ogc").json()["links"]]
    assert all(h.startswith("https://bins.example.go.th/ogc") for h in hrefs)


def test_collections_list_what_the_caller_may_read_with_extents(
    client: TestClient, world: tuple[Place, list[SeededBin]]
) -> None:
    place, bins = world
    anonymous = client.get("/ogc/collections").json()["collections"]
    assert [c["id"] for c in anonymous] == ["villages", "bins", "recommended-sites"]
    staff = client.get("/ogc/collections", headers=_staff(place)).json()["collections"]
    assert [c["id"] for c in staff][-2:] == ["inspections", "held-surveys"]
    head = client.get("/ogc/collections", headers={"Authorization": f"Bearer {place.head_token}"})
    assert [c["id"] for c in head.json()["collections"]] == [c["id"] for c in anonymous]
    by_id = {c["id"]: c for c in staff}
    box = by_id["bins"]["extent"]["spatial"]["bbox"][0]
    lons, lats = [b.lon for b in bins], [b.lat for b in bins]
    assert box == pytest.approx([min(lons), min(lats), max(lons), max(lats)])
    assert by_id["bins"]["crs"] == ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"]
    assert by_id["villages"]["extent"]["spatial"]["bbox"][0] == pytest.approx(
        [103.30, 16.30, 103.33, 16.31]
    )
    interval = by_id["inspections"]["extent"]["temporal"]["interval"][0]
    assert interval == ["2026-10-01T02:00:00Z", "2026-10-11T11:00:00Z"]  # 249 hours later
    items = [link for link in by_id["bins"]["links"] if link["rel"] == "items"]
    assert items[0]["type"] == "application/geo+json"
    one = client.get("/ogc/collections/bins").json()
    assert one["id"] == "bins" and one["extent"] == by_id["bins"]["extent"]


def test_bins_page_by_page_every_bin_once(
    client: TestClient, world: tuple[Place, list[SeededBin]]
) -> None:
    _, bins = world
    first = client.get("/ogc/collections/bins/items").json()
    assert (first["numberMatched"], first["numberReturned"]) == (BINS, 100)  # the default
    assert datetime.fromisoformat(first["timeStamp"]).tzinfo is not None
    features = _walk(client, "/ogc/collections/bins/items?limit=60")
    codes = [f["id"] for f in features]
    assert len(codes) == BINS and set(codes) == {b.code for b in bins}
    second = client.get("/ogc/collections/bins/items?limit=60&offset=60").json()
    prev = [link for link in second["links"] if link["rel"] == "prev"]
    assert prev and "offset=0" in prev[0]["href"] and prev[0]["type"] == "application/geo+json"
    last = client.get("/ogc/collections/bins/items?limit=60&offset=240").json()
    assert last["numberReturned"] == 10 and not [x for x in last["links"] if x["rel"] == "next"]
    beyond = client.get("/ogc/collections/bins/items?offset=5000").json()
    assert (beyond["numberMatched"], beyond["numberReturned"]) == (BINS, 0)


def test_a_limit_above_the_maximum_is_served_as_the_maximum(client: TestClient, world: Any) -> None:
    page = client.get("/ogc/collections/bins/items?limit=50000").json()
    assert page["numberReturned"] == BINS
    self_link = next(link for link in page["links"] if link["rel"] == "self")
    assert "limit=10000" in self_link["href"]


def test_bbox_and_property_filters_match_an_independent_count(
    client: TestClient, world: tuple[Place, list[SeededBin]]
) -> None:
    _, bins = world
    box = (103.305, 16.302, 103.318, 16.308)
    inside = {b.code for b in bins if box[0] <= b.lon <= box[2] and box[1] <= b.lat <= box[3]}
    assert 0 < len(inside) < BINS
    url = "/ogc/collections/bins/items?bbox=" + ",".join(map(str, box)) + "&limit=40"
    features = _walk(client, url)
    assert {f["id"] for f in features} == inside and len(features) == len(inside)
    damaged = {b.code for b in bins if b.stream == "general" and b.condition == "damaged"}
    page = client.get("/ogc/collections/bins/items?stream=general&condition=damaged").json()
    assert page["numberMatched"] == len(damaged)
    assert {f["id"] for f in page["features"]} == damaged
    next_links = _walk(client, "/ogc/collections/bins/items?stream=general&limit=7")
    assert len(next_links) == sum(b.stream == "general" for b in bins)
    in_3 = client.get("/ogc/collections/bins/items?village_number=3&limit=1").json()
    assert in_3["numberMatched"] == sum(b.village_number == 3 for b in bins)
    three_d = "/ogc/collections/bins/items?bbox=" + ",".join(
        map(str, (box[0], box[1], 0, box[2], box[3], 100))
    )
    assert client.get(three_d).json()["numberMatched"] == len(inside)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("bbox=1,2,3", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=100,17,101,16", "bbox"),
        ("limit=0", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        ("stream=plastic", "stream"),
        ("capacity_l=big", "capacity_l"),
        ("village_number=-21593847443199948", "village_number"),  # beyond a database integer
        ("village_number=100", "village_number"),
        ("code=A%00B", "code"),  # PostgreSQL text holds no NUL
        ("colour=blue", "colour"),
        ("datetime=2026-10-01", "datetime"),  # bins have no time
        ("f=html", "f"),
        ("limit=5&limit=6", "limit"),
    ],
)
def test_a_bad_query_is_a_400_naming_the_parameter(
    client: TestClient, world: Any, query: str, field: str
) -> None:
    answer = client.get(f"/ogc/collections/bins/items?{query}")
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert (error["code"], error["field"]) == ("bad_query", field)
    assert error["message_th"]


def test_one_bin_by_its_code_and_unknown_ones(
    client: TestClient, world: tuple[Place, list[SeededBin]]
) -> None:
    _, bins = world
    chosen = bins[17]
    feature = client.get(f"/ogc/collections/bins/items/{chosen.code}").json()
    assert feature["id"] == chosen.code
    assert feature["geometry"]["coordinates"] == pytest.approx([chosen.lon, chosen.lat])
    assert feature["properties"]["stream"] == chosen.stream
    assert client.get("/ogc/collections/bins/items/NO-SUCH").status_code == 404
    assert client.get("/ogc/collections/bins/items/A%00B").status_code == 404
    assert client.get("/ogc/collections/wells/items").status_code == 404
    assert client.get("/ogc/collections/wells").json()["error"]["details"]["expected"] == [
        "villages",
        "bins",
        "recommended-sites",
    ]


def test_inspections_are_staff_only_and_filter_by_datetime(
    client: TestClient, world: tuple[Place, list[SeededBin]]
) -> None:
    place, bins = world
    url = "/ogc/collections/inspections/items"
    assert client.get(url).status_code == 401
    head = {"Authorization": f"Bearer {place.head_token}"}
    assert client.get(url, headers=head).status_code == 403
    viewer = {"Authorization": f"Bearer {place.viewer_token}"}
    assert client.get(url, headers=viewer).status_code == 200
    staff = _staff(place)

    def matched(datetime_value: str) -> int:
        answer = client.get(url, params={"datetime": datetime_value}, headers=staff)
        assert answer.status_code == 200, answer.text
        return int(answer.json()["numberMatched"])

    # inspection n was made n hours after 2026-10-01T02:00Z
    assert matched("2026-10-01T02:00:00Z") == 1
    assert matched("2026-10-01T02:00:00Z/2026-10-01T11:00:00Z") == 10
    assert matched("../2026-10-01T11:00:00Z") == 10
    assert matched("2026-10-11T02:00:00Z/..") == sum(
        b.observed_at >= datetime(2026, 10, 11, 2, tzinfo=UTC) for b in bins
    )
    # a date is the Thai day: 1 Oct 00:00+07 = 30 Sep 17:00Z … 1 Oct 16:59Z → hours 0–14
    assert matched("2026-10-01") == 15
    assert matched("2026-10-01/") == BINS
    for bad in (
        "yesterday",
        "../..",
        "2026-10-02T00:00:00Z/2026-10-01T00:00:00Z",
        "2026-10-01T02:00:00",
    ):
        assert client.get(url, params={"datetime": bad}, headers=staff).status_code == 400
    page = client.get(url, params={"bin_code": bins[3].code}, headers=staff).json()
    [only] = page["features"]
    assert only["properties"]["observed_at"] == "2026-10-01T05:00:00Z"
    assert "note" not in only["properties"] and "0812345678" not in str(page)
    feature = client.get(f"{url}/{only['id']}", headers=staff).json()
    assert feature["properties"]["bin_code"] == bins[3].code
    assert client.get(f"{url}/{only['id']}").status_code == 401
    assert FIRST_INSPECTION.hour == 2


def test_held_surveys_show_staff_what_waits_for_them(
    client: TestClient, engine: Engine, settings: Settings, world: tuple[Place, list[SeededBin]]
) -> None:
    place, _ = world
    with Session(engine) as session:
        head = session.get(User, place.head.id)
        held = receive_submission(  # a new bin in หมู่ 3, not the head's village: held
            session=session,
            record=SurveyRecord(
                instance_id="uuid:0f0c1d2e-0000-4000-8000-00000000abcd",
                form_id=BIN_SURVEY_FORM,
                channel=Channel.web,
                bin_code="HELD-1",
                village_number=1,
                lat=16.305,
                lon=103.325,
                accuracy_m=5.0,
                condition=Condition.usable,
                capacity_l=240,
                stream=Stream.general,
                note="โทร 0899999999",
                observed_at=datetime(2026, 11, 20, 3, tzinfo=UTC),
            ),
            raw_payload="{}",
            content_type="application/json",
            submitter=head,
            settings=settings,
        )
        assert not held.submission.applied
        session.commit()
        held_id = held.submission.id
    url = "/ogc/collections/held-surveys/items"
    assert client.get(url).status_code == 401
    head_auth = {"Authorization": f"Bearer {place.head_token}"}
    assert client.get(url, headers=head_auth).status_code == 403
    page = client.get(url, headers=_staff(place)).json()
    assert page["numberMatched"] == 1
    [feature] = page["features"]
    assert feature["id"] == held_id
    assert feature["properties"]["bin_code"] == "HELD-1"
    assert feature["properties"]["flags"]
    assert feature["geometry"]["coordinates"] == [103.325, 16.305]
    assert "0899999999" not in str(page)
    later = client.get(url, params={"datetime": "2026-11-21/.."}, headers=_staff(place)).json()
    assert later["numberMatched"] == 0
    inside = client.get(url, params={"bbox": "103.32,16.30,103.33,16.31"}, headers=_staff(place))
    assert inside.json()["numberMatched"] == 1
    elsewhere = client.get(url, params={"bbox": "103.30,16.30,103.31,16.31"}, headers=_staff(place))
    assert elsewhere.json()["numberMatched"] == 0


def test_villages_carry_coverage_and_the_plan_its_sites(
    client: TestClient, engine: Engine, settings: Settings, world: tuple[Place, list[SeededBin]]
) -> None:
    _, bins = world
    villages = client.get("/ogc/collections/villages/items").json()
    assert [f["id"] for f in villages["features"]] == [1, 2, 3]
    first = villages["features"][0]
    assert first["geometry"]["type"] == "MultiPolygon"
    for name in ("covered_share", "households", "household_basis", "boundary_source"):
        assert name in first["properties"]
    assert first["properties"]["bins_total"] == sum(b.village_number == 1 for b in bins)
    east = client.get("/ogc/collections/villages/items?bbox=103.325,16.301,103.329,16.309")
    assert [f["id"] for f in east.json()["features"]] == [3]
    assert client.get("/ogc/collections/villages/items/2").json()["properties"]["number"] == 2


def test_recommended_sites_are_the_published_plans_new_bins(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    public_data.clear_cache()
    with Session(engine, expire_on_commit=False) as session:
        place = make_place(session)
        add_bin(session, "A-1", 16.305, 103.305)
        for n in range(40):  # households in หมู่ 3, far from the only bin
            session.add(
                Household(
                    ref=f"H{n}",
                    lon=103.322 + (n % 8) * 0.001,
                    lat=16.302 + (n // 8) * 0.0015,
                    persons=3.1,
                    village_id=place.village_ids[3],
                )
            )
        session.commit()
    empty = client.get("/ogc/collections/recommended-sites/items").json()
    assert (empty["numberMatched"], empty["features"]) == (0, [])  # nothing published yet
    with Session(engine, expire_on_commit=False) as session:
        plan = planning.create_plan(session=session, settings=settings, budget_baht=50_000)
        planning.publish_plan(session=session, plan=plan)
        session.commit()
    expected = [
        r
        for r in plan.recommendations
        if r.get("reason") in ("capacity", "coverage") and r.get("lon") is not None
    ]
    assert expected, "the plan puts new bins somewhere"
    sites = client.get("/ogc/collections/recommended-sites/items").json()
    assert sites["numberMatched"] == len(expected)
    for feature, row in zip(sites["features"], expected, strict=True):
        assert feature["geometry"]["coordinates"] == pytest.approx([row["lon"], row["lat"]])
        assert feature["properties"]["reason"] == row["reason"]
        assert feature["properties"]["plan_version"] == plan.version
