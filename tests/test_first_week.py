"""A new office's first week, from the files a real subdistrict has (issue: start from what a
real subdistrict actually has).

Day by day, with files in their real formats made by the committed generators in
``tests/real_formats`` (nothing downloaded):

1. the tambon boundary from a COD-AB-style shapefile;
2. village centres from a DOPA list → approximate village areas;
3. registered house counts and Open Buildings footprints → households weighted to the counts;
4. the village heads' inventory sheet, with no waste-stream column → bins registered with the
   stated default, likely duplicates held;
5. staff approve the held rows in one batch;
6. a Collect survey whose photo was damaged on the way → received and applied, photo flagged;
7. the coverage map and the allocation list, each saying what its villages and households
   rest on (approximate areas, building proxies).
"""

from __future__ import annotations

import math
from pathlib import Path
from xml.etree.ElementTree import fromstring

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from fieldsvc.api.app import create_app
from fieldsvc.cli import main
from fieldsvc.config import Settings
from fieldsvc.models import Bin, Household, Role, Stream, Submission, Village
from fieldsvc.storage.users import create_user
from tests.intake.conftest import bin_xml
from tests.intake_sheets.test_sheet_defaults import write_sheet
from tests.mobile.conftest import jpeg
from tests.real_formats.make_buildings import Building, write_open_buildings_csv
from tests.real_formats.make_places import VILLAGES, make_place_files

#: Houses per village in the footprint file (Open Buildings finds fewer than are registered).
BUILDINGS_PER_VILLAGE = {1: 40, 2: 30, 3: 24, 4: 35, 5: 20}
M_PER_DEG = 111_320.0


def _buildings() -> list[Building]:
    """Houses on a small grid around each village centre, plus things the filter drops."""
    out: list[Building] = []
    for number, _name, (lon, lat), _houses in VILLAGES:
        for i in range(BUILDINGS_PER_VILLAGE[number]):
            dx, dy = (i % 6 - 2.5) * 25.0, (i // 6 - 2.5) * 25.0  # 25 m apart
            out.append(
                Building(
                    lon + dx / (M_PER_DEG * math.cos(math.radians(lat))),
                    lat + dy / M_PER_DEG,
                    9.0,
                    11.0,
                )
            )
        out.append(Building(lon + 0.0004, lat - 0.0004, 2.0, 3.0))  # a 6 m² shed
        out.append(Building(lon - 0.0004, lat + 0.0004, 10.0, 10.0, confidence=0.5))
    return out


def _sheet_rows() -> list[list[object]]:
    """Each head's bins, 60 m east of their village centre and 60 m apart going north; the
    last row of หมู่ 1 is the same bin as its first, typed again 2 m away (a likely duplicate)."""
    rows: list[list[object]] = []
    for number, _name, (lon, lat), _houses in VILLAGES:
        for k in range(3):
            east = 60.0 / (M_PER_DEG * math.cos(math.radians(lat)))
            rows.append(
                [
                    f"{number:02d}-{k + 1:04d}",
                    number,
                    round(lat + k * 60.0 / M_PER_DEG, 6),
                    round(lon + east, 6),
                    "ใช้งานได้" if k else "ชำรุด",
                    "200 ลิตร",
                    "25/11/2569",
                    None,
                ]
            )
    _code, _moo, lat1, lon1, *_rest = rows[0]
    assert isinstance(lat1, float) and isinstance(lon1, float)
    rows.append(["01-0009", 1, lat1, round(lon1 + 0.00002, 6), "ใช้งานได้", 240,
                 "25/11/2569", "ถังหน้าวัด"])  # fmt: skip
    return rows


def _cell_texts(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    return "\n".join(
        str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
        for cell in row if cell is not None
    )  # fmt: skip


def test_a_new_office_first_week(
    tmp_path: Path,
    settings: Settings,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = make_place_files(tmp_path / "starting-data")

    # --- day 1: the subdistrict and its villages ------------------------------------------
    shp = str(files.boundaries_shp)
    assert main(["import", "subdistrict", shp, "--pcode", "TH570101"], settings=settings) == 0
    said = capsys.readouterr().out
    assert "เวียง" in said and "570101" in said
    assert main(["import", "village-centres", str(files.centres_csv)], settings=settings) == 0
    assert main(["import", "house-counts", str(files.house_counts_csv)], settings=settings) == 0
    with Session(engine) as db:
        villages = {v.number: v for v in db.exec(select(Village))}
    assert sorted(villages) == [1, 2, 3, 4, 5]
    assert {v.boundary_source for v in villages.values()} == {"approximate"}
    assert {n: v.households for n, v in villages.items()} == {n: h for n, _, _, h in VILLAGES}

    # --- day 2: households from building footprints, weighted to the registered counts ------
    footprints = write_open_buildings_csv(tmp_path / "open_buildings.csv", _buildings())
    assert main(["import", "buildings", str(footprints)], settings=settings) == 0
    capsys.readouterr()
    with Session(engine) as db:
        households = list(db.exec(select(Household)))
    assert len(households) == sum(BUILDINGS_PER_VILLAGE.values())  # sheds, low confidence out
    assert {h.source for h in households} == {"building"}
    by_village: dict[int, float] = {}
    number_of = {v.id: n for n, v in villages.items()}
    for h in households:
        by_village[number_of[h.village_id]] = by_village.get(number_of[h.village_id], 0) + h.weight
    for number, _name, _centre, houses in VILLAGES:
        assert by_village[number] == pytest.approx(houses)

    # --- day 3: the heads' sheet, with no waste-stream column ------------------------------
    sheet = write_sheet(tmp_path / "ถังขยะทุกหมู่.xlsx", _sheet_rows())
    assert main(["import", "bins", str(sheet)], settings=settings) == 0
    report = capsys.readouterr().out
    # the default is said once for the file, and every row is named by what became of it
    assert report.count("ตามค่าเริ่มต้น") == 1 and "16 แถวไม่ระบุประเภทขยะ" in report
    assert "new bins registered: 15 แถว / rows — 2–16" in report
    assert "held for staff (not in the register yet): 1 แถว / rows — 17" in report
    with Session(engine) as db:
        bins = {b.code: b for b in db.exec(select(Bin))}
    assert len(bins) == 15 and "01-0009" not in bins  # the likely duplicate is held
    assert {b.stream for b in bins.values()} == {Stream.general}
    assert {b.capacity_l for b in bins.values()} == {200}

    # --- day 4: staff approve what was held, in one batch ----------------------------------
    with Session(engine) as db:
        staff, staff_token = create_user(
            session=db, username="nurse", display_name="เจ้าหน้าที่", role=Role.health_staff
        )
        head, head_token = create_user(
            session=db,
            username="head2",
            display_name="ผู้ใหญ่บ้านหมู่ 2",
            role=Role.village_head,
            village_ids=[villages[2].id or 0],
        )
        db.commit()
    with TestClient(create_app(settings, engine=engine)) as client:
        as_staff = {"Authorization": f"Bearer {staff_token}"}
        which = {"source_file": sheet.name}
        preview = client.get("/api/v1/batch-reviews/preview", params=which, headers=as_staff)
        assert preview.status_code == 200, preview.text
        shown = preview.json()
        assert shown["count"] == 1 and shown["to_apply"] == 1
        assert [f["code"] for f in shown["flags"]] == ["possible_duplicate"]
        decided = client.post(
            "/api/v1/batch-reviews",
            json={"filter": which, "decision": "approved", "token": shown["token"]},
            headers=as_staff,
        )
        assert decided.status_code == 200, decided.text
        assert (decided.json()["decided"], decided.json()["failed"]) == (1, 0)

        # --- day 5: a Collect survey whose photo arrives damaged ---------------------------
        photo = jpeg()
        cut = photo[: len(photo) // 2]  # the copy broke off halfway
        xml = bin_xml(
            "uuid:0b1c2d3e-5555-4000-8000-000000000005",
            code="02-0002",
            village="2",
            location=f"{bins['02-0002'].lat} {bins['02-0002'].lon} 410.0 4.0",
            condition="overflowing",
            photo="1764200000000.jpg",
            start="2026-11-28T09:15:02.123+07:00",  # after the sheet's survey date
        )
        sent = client.post(
            f"/openrosa/{head_token}/submission",
            files=[
                ("xml_submission_file", ("bin.xml", xml.encode(), "text/xml")),
                (
                    "1764200000000.jpg",
                    ("1764200000000.jpg", cut, "image/jpeg"),
                ),
            ],
            headers={"X-OpenRosa-Version": "1.0"},
        )
        assert sent.status_code == 201, sent.text
        assert "รูปเปิดไม่ได้" in "".join(fromstring(sent.content).itertext())

    with Session(engine) as db:
        approved = db.exec(select(Bin).where(Bin.code == "01-0009")).one()
        assert approved.capacity_l == 240 and approved.stream == Stream.general
        inspected = db.exec(select(Bin).where(Bin.code == "02-0002")).one()
        assert inspected.condition == "overflowing"
        survey = db.exec(
            select(Submission).where(Submission.instance_id.endswith("000000000005"))  # type: ignore[attr-defined]
        ).one()
        assert [f["code"] for f in survey.flags] == ["photo_unreadable"]

    # --- day 6: the coverage map and the allocation list say what they rest on -------------
    page = tmp_path / "coverage.html"
    assert main(["map", "--out", str(page)], settings=settings) == 0
    html = page.read_text(encoding="utf-8")
    assert "พื้นที่หมู่บ้านโดยประมาณ" in html  # approximate village areas
    assert "ประมาณจากอาคาร" in html  # households from building footprints
    assert main(["allocate", "--bins", "4"], settings=settings) == 0
    listing = tmp_path / "allocation.xlsx"
    assert main(["export", "allocation", "--out", str(listing)], settings=settings) == 0
    texts = _cell_texts(listing)
    assert "ประมาณจากอาคาร" in texts  # the official list says what its households rest on
    coverage = tmp_path / "coverage.xlsx"
    assert main(["export", "coverage", "--out", str(coverage)], settings=settings) == 0
    covered = _cell_texts(coverage)
    assert "พื้นที่หมู่บ้านโดยประมาณ" in covered and "ประมาณจากอาคาร" in covered
