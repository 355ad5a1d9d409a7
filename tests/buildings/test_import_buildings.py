"""``fieldsvc import buildings`` on the register (SQLite and PostGIS): what is stored, what a
re-import replaces, and how coverage, the map and the allocation list state the basis."""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from shapely.geometry import box
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from fieldsvc.cli import main
from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput
from fieldsvc.maps.output import render_map_html
from fieldsvc.models import BinCreate, Condition, Household, Stream, Subdistrict
from fieldsvc.models.enums import HOUSEHOLD_BASIS_TH, HouseholdSource
from fieldsvc.reports.allocation_list import allocation_xlsx
from fieldsvc.reports.coverage_export import coverage_csv
from fieldsvc.services import overview, planning
from fieldsvc.services.buildings import import_buildings
from fieldsvc.storage.frames import save_villages
from fieldsvc.storage.register import create_bin
from tests.real_formats.make_buildings import Building, make_buildings

LON0, LAT0 = 102.80, 16.40
CELL = 0.01


def _seed(session: Session, *, polygons: bool = True) -> None:
    """Four villages in a row: 1 registers 20 houses, 2 has no count, 3 has two surveyed
    houses (and 10 registered), 4 registers 15 houses and gets no buildings."""
    sub = Subdistrict(code="999911", name="ตำบลทดสอบอาคาร")
    session.add(sub)
    session.flush()
    villages = gpd.GeoDataFrame(
        {
            "number": [1, 2, 3, 4],
            "name": ["บ้านหนึ่ง", "บ้านสอง", "บ้านสาม", "บ้านสี่"],
            "households": [20, None, 10, 15],
        },
        geometry=[
            box(LON0 + k * CELL, LAT0, LON0 + (k + 1) * CELL, LAT0 + CELL) if polygons else None
            for k in range(4)
        ],
        crs=4326,
    )
    save_villages(session=session, subdistrict=sub, villages=villages)
    for i in range(2):
        session.add(
            Household(
                ref=f"S3-{i}",
                lon=LON0 + 2 * CELL + 0.005 + 0.0002 * i,
                lat=LAT0 + 0.005,
                persons=4,
                village_id=3,
            )
        )
    create_bin(
        session=session,
        bin_in=BinCreate(
            code="B1",
            lon=LON0 + 0.0021,
            lat=LAT0 + 0.0021,
            capacity_l=240,
            stream=Stream.general,
            condition=Condition.usable,
            village_id=1,
        ),
    )
    session.commit()


def _seed_with_buildings(session: Session, settings: Settings, tmp_path: Path) -> None:
    """The four villages, then the Open Buildings file of ``_footprints`` imported."""
    _seed(session)
    files = make_buildings(tmp_path, _footprints())
    import_buildings(session=session, path=files["open_buildings"], settings=settings)


def _grid(village: int, count: int, *, x0: float = 0.002, y0: float = 0.002) -> list[Building]:
    return [
        Building(
            LON0 + (village - 1) * CELL + x0 + 0.0001 * (i % 5),
            LAT0 + y0 + 0.0001 * (i // 5),
            8.0,
            10.0,
        )
        for i in range(count)
    ]


def _footprints() -> list[Building]:
    # Village 1: 6 buildings by the bin and 2 far from it (8 → weight 20/8 = 2.5);
    # village 2: 3; village 3: 4 (surveyed: not used); plus a shed, a school and a doubtful
    # detection, and one building outside every village.
    return (
        _grid(1, 6)
        + _grid(1, 2, x0=0.008, y0=0.008)
        + _grid(2, 3)
        + _grid(3, 4)
        + [
            Building(LON0 + 0.005, LAT0 + 0.009, 3, 3),
            Building(LON0 + 0.006, LAT0 + 0.009, 40, 40),
            Building(LON0 + 0.007, LAT0 + 0.009, 9, 9, confidence=0.5),
            Building(LON0 - 0.05, LAT0, 8, 10),
        ]
    )


def _households(session: Session, source: HouseholdSource) -> list[Household]:
    return list(
        session.exec(
            select(Household).where(Household.source == source).order_by(col(Household.id))
        )
    )


def test_import_stores_weighted_building_proxies_and_keeps_surveys(
    engine: Engine, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Session(engine) as session:
        _seed(session)
    files = make_buildings(tmp_path, _footprints())
    assert main(["import", "buildings", str(files["open_buildings"])], settings=settings) == 0
    out = capsys.readouterr().out
    assert "ตัดออก 1 หลัง: เล็กกว่า 20 ตร.ม." in out
    assert "Left out 1: larger than 1000 m²" in out
    assert "Left out 1: confidence below 0.7" in out
    assert "Left out 1: outside every village area" in out
    assert "Left out 4: the village has surveyed households" in out
    assert "Village 1: 8 buildings weighted 2.500 to match its 20 registered houses" in out
    assert "Village 2: 3 buildings, no registered house count" in out
    assert "Village 3 has surveyed household points: its 4 buildings are not used" in out
    assert "Village 4: no building inside its area" in out
    with Session(engine) as session:
        buildings = _households(session, HouseholdSource.building)
        by_village: dict[int, list[float]] = {}
        for h in buildings:
            by_village.setdefault(int(h.village_id or 0), []).append(h.weight)
        assert {v: len(w) for v, w in by_village.items()} == {1: 8, 2: 3}
        assert sum(by_village[1]) == pytest.approx(20.0)
        assert by_village[2] == [1.0, 1.0, 1.0]
        assert all(h.ref.startswith("ob:") and h.persons is None for h in buildings)
        surveyed = _households(session, HouseholdSource.survey)
        assert [(h.ref, h.weight) for h in surveyed] == [("S3-0", 1.0), ("S3-1", 1.0)]


def test_a_reimport_replaces_the_building_proxies_only(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    with Session(engine) as session:
        _seed(session)
    first = make_buildings(tmp_path / "first", _footprints())
    second = make_buildings(tmp_path / "second", _grid(1, 5) + _grid(2, 2))
    with Session(engine) as session:
        import_buildings(session=session, path=first["open_buildings"], settings=settings)
        outcome = import_buildings(session=session, path=second["osm_pbf"], settings=settings)
    assert outcome.file_format == "osm"
    assert "replaced 11 earlier building proxies" in outcome.summary()
    with Session(engine) as session:
        buildings = _households(session, HouseholdSource.building)
        assert len(buildings) == 7
        assert all(h.ref.startswith("osm:way/") for h in buildings)
        assert sum(h.weight for h in buildings if h.village_id == 1) == pytest.approx(20.0)
        assert len(_households(session, HouseholdSource.survey)) == 2


def test_import_without_village_areas_is_refused(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    with Session(engine) as session:
        _seed(session, polygons=False)
        files = make_buildings(tmp_path, _footprints())
        with pytest.raises(InvalidInput) as caught:
            import_buildings(session=session, path=files["open_buildings"], settings=settings)
    assert caught.value.code == "invalid_input"
    assert "village" in caught.value.message_en


def test_coverage_map_and_allocation_list_state_the_household_basis(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    with Session(engine) as session:
        _seed_with_buildings(session, settings, tmp_path)
        result = planning.compute_coverage(session=session, settings=settings)
        general = result.by_village[result.by_village["stream"] == "general"].set_index("number")
        assert general["household_basis"].to_dict() == {
            1: "building",
            2: "building",
            3: "survey",
            4: "count",
        }
        # Village 1: the 6 buildings by the bin are within reach (each 2.5 households), the
        # 2 far ones are not: 15 of 20. Village 3 counts its 2 surveyed houses (of 10).
        assert general.loc[1, "households_covered"] == pytest.approx(15.0)
        assert general.loc[1, "households_located"] == pytest.approx(20.0)
        assert general.loc[1, "persons"] == pytest.approx(20 * settings.persons_per_household)
        assert general.loc[2, "households"] == pytest.approx(3.0)
        assert general.loc[3, "households_located"] == pytest.approx(2.0)
        assert general.loc[4, "households_covered"] != general.loc[4, "households_covered"]

        table = coverage_csv(result.by_village).decode("utf-8-sig")
        assert "ที่มาของจำนวนครัวเรือน" in table
        for label in ("ประมาณจากอาคาร", "จุดบ้านที่สำรวจ", "จำนวนบ้านตามทะเบียนเท่านั้น"):
            assert label in table

        page = render_map_html(
            overview.coverage_map(
                session=session, settings=settings, audience="staff", coverage=result
            )
        )
        assert "ที่มาของจำนวนครัวเรือน" in page  # the legend's heading
        assert f"{HOUSEHOLD_BASIS_TH['building']}" in page  # legend and village tooltips
        assert f"{HOUSEHOLD_BASIS_TH['survey']}" in page
        assert f"{HOUSEHOLD_BASIS_TH['count']}" in page

        plan = planning.create_plan(session=session, settings=settings, max_new_bins=3)
        book = openpyxl.load_workbook(io.BytesIO(allocation_xlsx(plan, settings)))
        cells = [
            str(c.value)
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for c in row
            if c.value is not None
        ]
        assert "ที่มาของจำนวนครัวเรือน" in cells
        for label in ("ประมาณจากอาคาร", "จุดบ้านที่สำรวจ", "จำนวนบ้านตามทะเบียนเท่านั้น"):
            assert label in cells


def test_the_public_page_states_each_village_household_basis(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    from fastapi.testclient import TestClient

    from fieldsvc.api.app import create_app

    with Session(engine) as session:
        _seed_with_buildings(session, settings, tmp_path)
    with TestClient(create_app(settings, engine=engine)) as client:
        page = client.get("/public").text
        villages_csv = client.get("/public/data/villages.csv").content.decode("utf-8-sig")
    rows = page.split('<table class="data" id="villages">', 1)[1].split("</table>", 1)[0]
    assert "ที่มาของจำนวนครัวเรือน" in rows
    cells = [r for r in rows.split("<tr>") if "<td" in r]
    assert [HOUSEHOLD_BASIS_TH[k] in c for c, k in zip(
        cells, ["building", "building", "survey", "count"], strict=True
    )] == [True] * 4  # fmt: skip
    assert "household_basis" in villages_csv.splitlines()[0]
    assert "ob:" not in page and "ob:" not in villages_csv  # no building refs leave the office
