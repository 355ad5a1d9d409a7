"""Coverage and allocation on the register: saved, versioned plans and the CLI surfaces."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.cli import main
from fieldsvc.config import Settings
from fieldsvc.models import BinCreate, Condition, Household, Stream, Subdistrict
from fieldsvc.services import planning
from fieldsvc.storage.frames import save_villages
from fieldsvc.storage.register import create_bin

# Two 0.01° villages near 16.3 N 103.3 E. Village 1 has a usable bin in the middle of its 20
# households; village 2 has 10 households and only a missing bin.
LON0, LAT0 = 103.30, 16.30


def _seed(session: Session) -> None:
    sub = Subdistrict(code="999903", name="ตำบลทดสอบแผน")
    session.add(sub)
    session.flush()
    villages = gpd.GeoDataFrame(
        {"number": [1, 2], "name": ["บ้านหนึ่ง", "บ้านสอง"], "households": [20, 10]},
        geometry=[
            box(LON0, LAT0, LON0 + 0.01, LAT0 + 0.01),
            box(LON0 + 0.01, LAT0, LON0 + 0.02, LAT0 + 0.01),
        ],
        crs=4326,
    )
    save_villages(session=session, subdistrict=sub, villages=villages)
    for i in range(20):  # a 4 x 5 cluster ~ 20 m apart around the centre of village 1
        session.add(
            Household(
                ref=f"H1-{i}",
                lon=LON0 + 0.0045 + (i % 4) * 0.0002,
                lat=LAT0 + 0.0045 + (i // 4) * 0.0002,
                persons=3,
                village_id=1,
            )
        )
    for i in range(10):
        session.add(
            Household(
                ref=f"H2-{i}",
                lon=LON0 + 0.015 + (i % 5) * 0.0002,
                lat=LAT0 + 0.005 + (i // 5) * 0.0002,
                persons=3,
                village_id=2,
            )
        )
    create_bin(
        session=session,
        bin_in=BinCreate(
            code="B1",
            lon=LON0 + 0.0048,
            lat=LAT0 + 0.0049,
            capacity_l=240,
            stream=Stream.general,
            condition=Condition.usable,
        ),
    )
    create_bin(
        session=session,
        bin_in=BinCreate(
            code="B2",
            lon=LON0 + 0.0154,
            lat=LAT0 + 0.0051,
            capacity_l=200,
            stream=Stream.general,
            condition=Condition.missing,
        ),
    )
    session.commit()


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2026, 9, 30), 2569), (date(2026, 10, 1), 2570), (date(2027, 9, 30), 2570)],
)
def test_fiscal_year_runs_october_to_september_in_buddhist_era(day: date, year: int) -> None:
    assert planning.fiscal_year_be(day) == year


def test_coverage_of_the_register_knows_which_village_is_served(
    session: Session, settings: Settings
) -> None:
    _seed(session)
    result = planning.compute_coverage(session=session, settings=settings)
    general = result.by_village[result.by_village["stream"] == "general"].set_index("number")
    assert general.loc[1, "households_covered"] == 20
    assert general.loc[2, "households_covered"] == 0
    assert general.loc[2, "bins_missing"] == 1


def test_a_bin_outside_every_village_counts_for_none_and_breaks_nothing(
    session: Session, settings: Settings
) -> None:
    _seed(session)
    create_bin(  # east of both villages: registered with no village
        session=session,
        bin_in=BinCreate(
            code="B9",
            lon=LON0 + 0.05,
            lat=LAT0 + 0.005,
            capacity_l=240,
            stream=Stream.general,
            condition=Condition.usable,
        ),
    )
    session.commit()
    result = planning.compute_coverage(session=session, settings=settings)
    general = result.by_village[result.by_village["stream"] == "general"].set_index("number")
    assert general.loc[1, "households_covered"] == 20
    assert general.loc[2, "households_covered"] == 0
    assert general["bins_total"].sum() == 2  # B1 and B2; B9 is in no village


def test_a_plan_is_saved_with_its_parameters_and_versions_count_up(
    session: Session, settings: Settings
) -> None:
    _seed(session)
    first = planning.create_plan(
        session=session, settings=settings, budget_baht=10_000, today=date(2026, 11, 26)
    )
    second = planning.create_plan(
        session=session, settings=settings, max_new_bins=1, today=date(2026, 11, 26)
    )
    session.commit()
    assert (first.version, second.version) == (1, 2)
    assert first.fiscal_year_be == 2570
    assert first.parameters["budget_baht"] == 10_000
    assert first.parameters["radius_m"] == settings.service_radius_m
    assert first.parameters["sizing"]["g_kg_per_person_day"] == 0.7
    # the missing bin of village 2 is replaced first, with a bin of the same size
    top = first.recommendations[0]
    assert (top["reason"], top["village_number"], top["capacity_l"]) == ("replacement", 2, 200)
    assert first.spent_baht <= 10_000
    assert len(second.recommendations) == 1
    json.dumps(first.model_dump(mode="json"))  # storable and publishable as JSON


def test_publishing_a_plan_supersedes_the_previous_one(
    session: Session, settings: Settings
) -> None:
    _seed(session)
    one = planning.create_plan(session=session, settings=settings, budget_baht=5_000)
    two = planning.create_plan(session=session, settings=settings, budget_baht=8_000)
    planning.publish_plan(session=session, plan=one)
    planning.publish_plan(session=session, plan=two)
    session.commit()
    assert planning.published_plan(session=session).id == two.id  # type: ignore[union-attr]
    assert one.status == "superseded"


def test_allocate_without_a_budget_or_bins_is_refused(session: Session, settings: Settings) -> None:
    _seed(session)
    with pytest.raises(Exception, match="budget"):
        planning.create_plan(session=session, settings=settings)


def test_cli_coverage_and_allocate_write_files(
    engine: Engine, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Session(engine) as session:
        _seed(session)
    assert main(["coverage", "--out", str(tmp_path / "c.geojson")], settings=settings) == 0
    coverage = gpd.read_file(tmp_path / "c.geojson")
    assert set(coverage["number"]) == {1, 2}
    assert coverage.geometry.notna().all()
    out = tmp_path / "plan.csv"
    assert main(["allocate", "--budget-baht", "20000", "--out", str(out)], settings=settings) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert text.startswith("rank,reason")
    assert "plan saved" in capsys.readouterr().out


def test_cli_site_chooses_the_point_that_covers_most_demand(
    tmp_path: Path, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    # Three houses at x = 0, 20, 40 m and one far away at 1 km, in UTM 48N metres;
    # candidates at x = 20 m and 1 km: with one site and 30 m the middle one wins.
    utm = 32648
    x0, y0 = 300_000.0, 1_800_000.0
    demand = gpd.GeoDataFrame(
        {"hh": [1, 1, 1, 2]},
        geometry=[Point(x0, y0), Point(x0 + 20, y0), Point(x0 + 40, y0), Point(x0 + 1000, y0)],
        crs=utm,
    )
    candidates = gpd.GeoDataFrame(
        {"name": ["middle", "far"]}, geometry=[Point(x0 + 20, y0), Point(x0 + 1000, y0)], crs=utm
    )
    demand.to_file(tmp_path / "d.gpkg", engine="pyogrio")
    candidates.to_crs(4326).to_file(tmp_path / "c.geojson", engine="pyogrio")
    for extra in ([], ["--exact"]):
        out = tmp_path / "s.geojson"
        argv = [
            "site",
            "--demand",
            str(tmp_path / "d.gpkg"),
            "--candidates",
            str(tmp_path / "c.geojson"),
            "--radius-m",
            "30",
            "--count",
            "1",
            "--weight",
            "hh",
            "--out",
            str(out),
            *extra,
        ]
        assert main(argv, settings=settings) == 0
        chosen = gpd.read_file(out)
        assert list(chosen["name"]) == ["middle"]
        assert list(chosen["added_weight"]) == [3.0]
    assert "covered 3.0 of 5.0" in capsys.readouterr().out


def test_api_coverage_and_allocations(engine: Engine, settings: Settings) -> None:
    from fastapi.testclient import TestClient

    from fieldsvc.api.app import create_app
    from fieldsvc.models import Role
    from fieldsvc.storage.users import create_user

    with Session(engine) as session:
        _seed(session)
        _, staff = create_user(session=session, username="s", display_name="S", role=Role.admin)
        _, head = create_user(
            session=session, username="h", display_name="H", role=Role.village_head, village_ids=[1]
        )
        session.commit()
    auth = {"Authorization": f"Bearer {staff}"}
    with TestClient(create_app(settings, engine=engine)) as client:
        coverage = client.get("/api/v1/coverage?stream=general", headers=auth)
        assert coverage.status_code == 200
        rows = {r["number"]: r for r in coverage.json()["villages"]}
        assert rows[1]["households_covered"] == 20 and rows[2]["households_covered"] == 0
        shapes = client.get("/api/v1/coverage?format=geojson", headers=auth)
        assert shapes.headers["content-type"].startswith("application/geo+json")
        refused = client.get("/api/v1/coverage", headers={"Authorization": f"Bearer {head}"})
        assert refused.status_code == 403

        bad = client.post("/api/v1/allocations", json={"equity_floor_share": 2}, headers=auth)
        assert bad.status_code == 422
        assert bad.json()["error"]["field"] == "equity_floor_share"

        created = client.post("/api/v1/allocations", json={"budget_baht": 5000}, headers=auth)
        assert created.status_code == 201
        plan = created.json()
        assert plan["version"] == 1 and plan["parameters"]["budget_baht"] == 5000
        published = client.post(f"/api/v1/allocations/{plan['id']}/publish", headers=auth)
        assert published.json()["status"] == "published"
        listed = client.get("/api/v1/allocations", headers=auth).json()
        assert [p["id"] for p in listed] == [plan["id"]]
        assert client.get("/api/v1/allocations/999", headers=auth).status_code == 404


def test_coverage_walks_along_an_openstreetmap_extract_when_given(
    engine: Engine, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """pyrosm ships a small extract (no download); a village is placed on it."""
    import pyrosm

    from fieldsvc.analysis.network import walking_graph_from_pbf

    pbf = pyrosm.get_data("test_pbf")
    nodes = walking_graph_from_pbf(pbf).node_lonlat
    with Session(engine) as session:
        sub = Subdistrict(code="999904", name="ตำบลทดสอบเส้นทาง")
        session.add(sub)
        session.flush()
        area = box(*nodes.min(axis=0), *nodes.max(axis=0))
        frame = gpd.GeoDataFrame({"number": [1], "name": ["บ้านทางเดิน"]}, geometry=[area], crs=4326)
        save_villages(session=session, subdistrict=sub, villages=frame)
        for i, (lon, lat) in enumerate(nodes[::50][:15]):
            session.add(
                Household(ref=f"N{i}", lon=float(lon), lat=float(lat), persons=3, village_id=1)
            )
        lon, lat = nodes[len(nodes) // 2]
        create_bin(
            session=session,
            bin_in=BinCreate(
                code="NB",
                lon=float(lon),
                lat=float(lat),
                capacity_l=240,
                stream=Stream.general,
                condition=Condition.usable,
            ),
        )
        session.commit()
        straight = planning.compute_coverage(session=session, settings=settings)
        walked = planning.compute_coverage(session=session, settings=settings, osm_pbf_path=pbf)
    assert straight.distance_method == "straight_line_x_detour"
    assert walked.distance_method == "network"
    d_straight = straight.households.query("stream == 'general'")["distance_m"]
    d_walked = walked.households.query("stream == 'general'")["distance_m"]
    assert d_walked.notna().sum() >= 10 and not d_walked.equals(d_straight)
    assert main(["coverage", "--osm-pbf", pbf], settings=settings) == 0
    assert "distance method: network" in capsys.readouterr().out


def test_json_rows_never_carry_a_number_json_cannot_hold() -> None:
    """Infinity, NaN and a float pandas rounds past the float limit all become null."""
    import json as json_module
    import sys

    import pandas as pd

    frame = pd.DataFrame(
        {"ratio": [float("inf"), float("nan"), sys.float_info.max, 1.5], "n": [1, 2, 3, 4]}
    )
    rows = planning.json_rows(frame)
    assert [r["ratio"] for r in rows] == [None, None, None, 1.5]
    json_module.dumps(rows, allow_nan=False)  # what the API's JSONResponse does
