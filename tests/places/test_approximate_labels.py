"""Approximate village areas are labelled as such wherever boundaries show: the staff and public
maps (dashed outline, tooltip, legend), the village tables, the API and the open data."""

from __future__ import annotations

import json
from collections.abc import Iterator

import geopandas as gpd
import pytest
import shapely
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.config import Settings
from fieldsvc.models import Role, Subdistrict, Village, VillagePublic
from fieldsvc.services.places import import_subdistrict, import_village_centres
from fieldsvc.services.public_data import clear_cache
from fieldsvc.storage.frames import save_bin_inventory, save_villages
from fieldsvc.storage.users import create_user
from tests.real_formats.make_places import PlaceFiles
from tests.signin import sign_in

LABEL_TH = "พื้นที่หมู่บ้านโดยประมาณ"
LABEL_EN = "approximate village area"


@pytest.fixture
def approximate(place_files: PlaceFiles, engine: Engine) -> PlaceFiles:
    """The tambon with approximate areas from the DOPA list, and one bin in village 2."""
    with Session(engine) as session:
        import_subdistrict(session=session, path=place_files.boundaries_shp, pcode="TH570101")
        import_village_centres(session=session, path=place_files.centres_csv)
        lon, lat = place_files.villages[1][2]
        bins = gpd.GeoDataFrame(
            {
                "code": ["WG-001"],
                "capacity_l": [200],
                "stream": ["general"],
                "condition": ["usable"],
                "village_number": [None],
            },
            geometry=[shapely.Point(lon + 0.0003, lat)],
            crs=4326,
        )
        save_bin_inventory(session=session, bins=bins)
        session.commit()
    clear_cache()
    return place_files


@pytest.fixture
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine=engine)) as test_client:
        yield test_client


@pytest.fixture
def staff_token(engine: Engine) -> str:
    with Session(engine) as session:
        _, token = create_user(
            session=session, username="staff", display_name="เจ้าหน้าที่", role=Role.health_staff
        )
        session.commit()
    return token


def _village_properties(map_html: str) -> list[dict[str, object]]:
    """The properties of the village layer's features embedded in a folium page."""
    found = []
    for line in map_html.splitlines():
        if '"approximate"' in line and '"village"' in line:
            start = line.index("{")
            data = json.loads(line[start : line.rindex("}") + 1])
            found += [f["properties"] for f in data["features"]]
    return found


def test_the_staff_map_outlines_approximate_areas_dashed_with_the_label(
    approximate: PlaceFiles, client: TestClient, staff_token: str
) -> None:
    sign_in(client, staff_token)
    html = client.get("/staff/map.html").text
    properties = _village_properties(html)
    assert len(properties) == 5
    assert all(p["approximate"] is True for p in properties)
    assert {p["area"] for p in properties} == {f"{LABEL_TH} ({LABEL_EN})"}
    assert '"dashArray": "6 5"' in html
    assert "fs-legend-approximate" in html  # the legend row
    dashboard = client.get("/staff").text
    assert dashboard.count('class="tag approx"') == 5
    assert "approx-note" in dashboard


def test_the_api_says_which_boundaries_are_approximate(
    approximate: PlaceFiles, client: TestClient, staff_token: str, engine: Engine
) -> None:
    response = client.get("/api/v1/villages", headers={"Authorization": f"Bearer {staff_token}"})
    assert response.status_code == 200
    sources = [f["properties"]["boundary_source"] for f in response.json()["features"]]
    assert sources == ["approximate"] * 5
    with Session(engine) as session:
        village = session.exec(select(Village).where(Village.number == 1)).one()
        public = VillagePublic.model_validate(village, update={"has_boundary": True})
    assert public.boundary_source == "approximate"
    assert "approximate" in VillagePublic.model_fields["boundary_source"].description


def test_the_public_page_map_and_open_data_carry_the_label(
    approximate: PlaceFiles, client: TestClient
) -> None:
    page = client.get("/public").text
    assert page.count(f">{LABEL_TH}</span>") == 5
    assert "approx-note" in page
    public_map = client.get("/public/map.html").text
    assert all(p["approximate"] is True for p in _village_properties(public_map))
    assert LABEL_TH in public_map
    rows = client.get("/public/data/villages.csv").text.splitlines()
    header = rows[0].lstrip("\ufeff").split(",")
    column = header.index("boundary_source")
    assert [r.split(",")[column] for r in rows[1:]] == ["approximate"] * 5
    geojson = client.get("/public/data/villages.geojson").json()
    assert {f["properties"]["boundary_source"] for f in geojson["features"]} == {"approximate"}


def test_real_polygons_lose_the_label_on_the_public_page(
    approximate: PlaceFiles, client: TestClient, engine: Engine
) -> None:
    assert client.get("/public").text.count(f">{LABEL_TH}</span>") == 5
    with Session(engine) as session:
        subdistrict = session.exec(select(Subdistrict)).one()
        boundary = approximate.boundary()
        real = gpd.GeoDataFrame(
            {"number": [1], "name": ["บ้านเวียงเหนือ"]},
            geometry=[boundary.intersection(shapely.box(99.79, 19.90, 99.83, 19.93))],
            crs=4326,
        )
        save_villages(session=session, subdistrict=subdistrict, villages=real)
        session.commit()
    page = client.get("/public").text
    assert page.count(f">{LABEL_TH}</span>") == 4
