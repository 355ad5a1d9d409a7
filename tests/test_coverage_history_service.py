"""Coverage through time on the register: rebuilt from the inspections stored, not today's rows.

Village 1 (20 households clustered in its middle) gets bin B1 on 5 Oct 2026; B1 is found
damaged on 15 Nov and repaired on 10 Jan 2027 (that inspection gives the condition only).
Village 2 (10 households) gets bin B2 on 1 Dec 2026, which goes missing on 20 Feb 2027.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box
from sqlalchemy import Engine
from sqlmodel import Session

from fieldsvc.cli import main
from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput
from fieldsvc.models import BinCreate, Condition, Household, Inspection, Stream, Subdistrict
from fieldsvc.models.enums import InspectionSource
from fieldsvc.services import coverage_history
from fieldsvc.storage.frames import save_villages
from fieldsvc.storage.register import create_bin, get_bin_by_code, record_inspection
from fieldsvc.thai import THAI_TZ

LON0, LAT0 = 103.30, 16.30


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=THAI_TZ)


def _inspect(session: Session, code: str, day: date, condition: Condition) -> None:
    bin_row = get_bin_by_code(session=session, code=code)
    assert bin_row is not None
    record_inspection(
        session=session,
        bin_row=bin_row,
        inspection=Inspection(
            bin_id=bin_row.id or 0,
            observed_at=_at(day),
            condition=condition,
            source=InspectionSource.inventory_import,
        ),
    )


def _seed(session: Session) -> None:
    sub = Subdistrict(code="999913", name="ตำบลทดสอบย้อนหลัง")
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
    for i in range(20):
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
    for code, lon, day in (
        ("B1", LON0 + 0.0048, date(2026, 10, 5)),
        ("B2", LON0 + 0.0154, date(2026, 12, 1)),
    ):
        create_bin(
            session=session,
            bin_in=BinCreate(
                code=code,
                lon=lon,
                lat=LAT0 + 0.0050,
                capacity_l=240,
                stream=Stream.general,
                condition=Condition.usable,
            ),
            observed_at=_at(day),
        )
    _inspect(session, "B1", date(2026, 11, 15), Condition.damaged)
    _inspect(session, "B1", date(2027, 1, 10), Condition.usable)
    _inspect(session, "B2", date(2027, 2, 20), Condition.missing)
    session.commit()


@pytest.fixture
def seeded(session: Session) -> Session:
    _seed(session)
    return session


# day → (covered households in village 1, in village 2, usable bins in all)
KNOWN = {
    date(2026, 10, 1): (0, 0, 0),
    date(2026, 10, 31): (20, 0, 1),
    date(2026, 11, 30): (0, 0, 0),
    date(2026, 12, 31): (0, 10, 1),
    date(2027, 1, 31): (20, 10, 2),
    date(2027, 2, 28): (20, 0, 1),
}


@pytest.mark.parametrize("day", list(KNOWN))
def test_coverage_as_of_rebuilds_the_register_of_that_day(
    seeded: Session, settings: Settings, day: date
) -> None:
    result = coverage_history.coverage_as_of(session=seeded, settings=settings, as_of=day)
    table = result.by_village[result.by_village["stream"] == "general"].set_index("number")
    v1, v2, usable = KNOWN[day]
    assert table.loc[1, "households_covered"] == v1
    assert table.loc[2, "households_covered"] == v2
    assert table["bins_usable"].sum() == usable


def test_coverage_year_has_the_past_month_ends_only(seeded: Session, settings: Settings) -> None:
    year = coverage_history.coverage_year(
        session=seeded, settings=settings, fiscal_year=2570, today=date(2027, 3, 15)
    )
    assert len(year.month_ends) == 12
    totals = year.totals[year.totals["stream"] == "general"].set_index("as_of")
    assert list(totals.index) == year.month_ends[:5]
    expected_covered = {d: KNOWN[d][0] + KNOWN[d][1] for d in year.month_ends[:5]}
    assert totals["households_covered"].to_dict() == expected_covered
    assert totals.loc[date(2026, 11, 30), "bins_damaged"] == 1
    assert totals.loc[date(2027, 1, 31), "covered_share"] == pytest.approx(1.0)
    assert totals.loc[date(2027, 2, 28), "usable_bin_share"] == pytest.approx(0.5)


def test_a_fiscal_year_out_of_range_is_refused(seeded: Session, settings: Settings) -> None:
    with pytest.raises(InvalidInput) as caught:
        coverage_history.coverage_year(session=seeded, settings=settings, fiscal_year=70)
    assert caught.value.field == "fiscal_year"


def test_cli_coverage_as_of_and_the_monthly_series(
    engine: Engine, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Session(engine) as session:
        _seed(session)
    out = tmp_path / "year.json"
    assert main(["coverage", "--as-of", "2026-11-30"], settings=settings) == 0
    text = capsys.readouterr().out
    assert "2026-11-30" in text
    assert (
        main(
            [
                "coverage-series",
                "--fiscal-year",
                "2570",
                "--today",
                "2027-03-15",
                "--out",
                str(out),
            ],
            settings=settings,
        )
        == 0
    )
    rows = json.loads(out.read_text(encoding="utf-8"))
    general = [r for r in rows if r["stream"] == "general" and r["as_of"] == "2027-01-31"]
    assert sorted(r["households_covered"] for r in general) == [10, 20]
    csv_out = tmp_path / "year.csv"
    main(["coverage-series", "--fiscal-year", "2570", "--out", str(csv_out)], settings=settings)
    assert csv_out.read_text(encoding="utf-8-sig").startswith("as_of,")
