"""A synthetic year through the real paths (see ``tests/ita/world.py``), with known answers for
the rounds, the work orders, the plan and coverage at chosen dates, and every figure of the ITA
row computed by hand; then the three documents opened again and read."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path

import docx
import numpy as np
import openpyxl
import pytest
from PIL import Image
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from fieldsvc.analysis.round_history import due_dates_between
from fieldsvc.cli import main
from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput
from fieldsvc.models import WorkOrder
from fieldsvc.models.work_order import WorkOrderEvent
from fieldsvc.reports.ita import HEADINGS, write_ita_report
from fieldsvc.services import coverage_history, ita
from fieldsvc.services.plan_progress import plan_follow_through
from fieldsvc.services.rounds import bins_due, round_policy
from fieldsvc.storage.bin_history import history_frame
from fieldsvc.storage.frames import bins_frame
from fieldsvc.thai import local_date
from tests.ita.world import (
    DUE_DATES,
    FIRST,
    LAST,
    LOCATED,
    SURVEYS,
    YEAR,
    World,
    bins_on,
    build_world,
    covered_on,
    expected_months,
)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "ita"
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
REPORTED_ON = date(2026, 10, 15)  # the year is over


@pytest.fixture
def world(
    session: Session, engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[World]:
    yield from build_world(session, engine, settings, monkeypatch)


def th(text: object) -> str:
    return str(text).translate(THAI)


# --- the history's known answers --------------------------------------------------------------


def test_due_dates_and_overdue_follow_the_rounds(session: Session, world: World) -> None:
    bins = bins_frame(session=session)
    history = history_frame(session=session)
    seen = history.assign(observed_on=[local_date(t) for t in history["observed_at"]])
    due = due_dates_between(
        bins, seen, FIRST, LAST, defaults=round_policy(world.settings), overrides=None
    )
    code = dict(zip(bins["bin_id"], bins["code"], strict=True))
    got = sorted(
        (code[b], d, i, bool(m))
        for b, d, i, m in zip(
            due["bin_id"], due["due_on"], due["inspected_on"], due["met"], strict=True
        )  # fmt: skip
    )
    assert got == sorted(DUE_DATES)
    assert (len(got), sum(m for *_, m in got)) == (13, 4)
    # The rounds as of 20 Apr 2026 on the register *of then* agree with the replay: IT-0001
    # was due on 16 Apr (overdue), IT-0002 is due on 11 Jun (not yet).
    assert [
        (c, d)
        for c, d, i, m in DUE_DATES
        if d < date(2026, 4, 20) and (i is None or i > date(2026, 4, 20))
    ] == [  # fmt: skip
        ("IT-0001", date(2026, 4, 16))
    ]
    # Today's register (after the last survey): due dates from the last inspections.
    today = bins_due(session=session, settings=world.settings, village_ids=None, as_of=LAST)
    by_code = {r.code: (r.due_on, r.due_state) for r in today.itertuples()}
    assert by_code == {
        "IT-0001": (date(2026, 8, 30), "overdue"),
        "IT-0002": (date(2026, 9, 27), "overdue"),
        "IT-0003": (date(2026, 8, 18), "overdue"),
    }


def test_work_orders_verified_reopened_and_open(session: Session, world: World) -> None:
    orders = list(session.exec(select(WorkOrder).order_by(col(WorkOrder.id))))
    summary = [
        (o.kind, o.status, local_date(o.opened_at), o.closed_at and local_date(o.closed_at))
        for o in orders
    ]
    assert summary == [
        ("repair", "verified", date(2025, 9, 25), date(2025, 10, 6)),  # O0, the year before
        ("repair", "verified", date(2026, 1, 10), date(2026, 1, 16)),  # O1
        ("replace", "verified", date(2026, 3, 1), date(2026, 3, 13)),  # O2
        ("extra_collection", "open", date(2026, 9, 20), None),  # O3
    ]
    o2 = orders[2]
    events = session.exec(
        select(WorkOrderEvent.action)
        .where(WorkOrderEvent.order_id == o2.id)
        .order_by(col(WorkOrderEvent.id))  # fmt: skip
    ).all()
    assert list(events) == ["opened", "done", "reopened", "done", "verified"]


def test_plan_delivered_in_part(session: Session, world: World) -> None:
    year = plan_follow_through(session=session, fiscal_year_be=YEAR)
    assert (year.plan_id, year.planned_bins, year.installed_bins) == (world.plan_id, 4, 1)
    assert (year.planned_baht, year.spent_baht, year.budget_baht) == (8700.0, 4600.0, 10_000.0)


@pytest.mark.parametrize(
    "day", [date(2025, 9, 30), date(2026, 1, 12), date(2026, 3, 3), date(2026, 6, 30), LAST]
)
def test_coverage_at_chosen_dates(session: Session, world: World, day: date) -> None:
    result = coverage_history.coverage_as_of(session=session, settings=world.settings, as_of=day)
    rows = result.by_village[result.by_village["stream"] == "general"]
    assert int(rows["households_located"].sum()) == LOCATED
    assert int(rows["households_covered"].sum()) == covered_on(day)
    # by hand: 30 Sep 2025 only หมู่ 1 (IT-0002 damaged); 12 Jan IT-0001 damaged → หมู่ 2 only;
    # 3 Mar IT-0002 missing → หมู่ 1 only; from 20 May หมู่ 3's four near households too.
    assert covered_on(day) == {
        date(2025, 9, 30): 10, date(2026, 1, 12): 8, date(2026, 3, 3): 10,
        date(2026, 6, 30): 22, LAST: 22,
    }[day]  # fmt: skip


# --- every figure of the row -------------------------------------------------------------------


def test_every_figure_of_the_year(session: Session, world: World) -> None:
    figures = ita.gather_ita_figures(session, world.settings, YEAR, today=REPORTED_ON)
    got = asdict(figures)
    monthly = got.pop("monthly")
    map_png = got.pop("coverage_map_png")
    assert got == {
        "fiscal_year_be": 2569,
        "inspections_done": 10,  # 13 surveys, 3 of them before 1 Oct 2025
        "inspections_due": 13,
        "inspections_on_time": 4,
        "bins_registered_start": 2,
        "bins_usable_start": 1,  # IT-0002 damaged since 25 Sep
        "bins_registered_end": 3,
        "bins_usable_end": 2,  # IT-0002 overflowing
        "work_orders_opened": 3,  # O1, O2, O3 (O0 was opened the year before)
        "work_orders_closed": 2,  # O1, O2
        "work_orders_median_days_to_close": 9.0,  # median of 6.0 and 12.0
        "work_orders_verified": None,
        "bins_planned": 4,
        "bins_installed": 1,
        "budget_baht": 10_000.0,
        "spent_baht": 4600.0,
        "households_located_start": 26,
        "households_covered_start": 10,
        "households_located_end": 26,
        "households_covered_end": 22,
        "radius_m": 200.0,
        "threshold_share": 0.6,
        "villages_below_threshold": ("หมู่ที่ 3 บ้านดอนแดง",),  # 4 of 8 = 0.5 < 0.6
        "charts": (),
        "synthetic": False,
        "reported_until": None,
    }
    assert [{k: v for k, v in m.items()} for m in monthly] == expected_months()
    assert sum(m["inspections_due"] for m in monthly) == 13
    assert bins_on(date(2025, 9, 30)) == (2, 1)  # the hand helper agrees with the start
    image = Image.open(io.BytesIO(map_png))
    assert image.format == "PNG" and image.width == 900
    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    below, above = (0xE6, 0x9F, 0x00), (0x00, 0x9E, 0x73)
    for colour in (below, above):
        assert int((np.abs(pixels - np.array(colour)).sum(axis=2) < 20).sum()) > 5000


def test_a_year_not_over_is_reported_up_to_today(session: Session, world: World) -> None:
    today = date(2026, 1, 31)
    figures = ita.gather_ita_figures(session, world.settings, YEAR, today=today)
    # by hand, up to 31 Jan 2026: surveys 6 Oct, 20 Nov, 10 Jan, 16 Jan; due dates 2 Oct,
    # 9 Dec, 14 Dec, 4 Jan, 17 Jan (on time: 9 Dec, 14 Dec, 17 Jan); O1 opened and closed.
    assert figures.reported_until == today
    assert (figures.inspections_done, figures.inspections_due, figures.inspections_on_time) == (
        4,
        5,
        3,
    )
    assert (figures.bins_registered_end, figures.bins_usable_end) == (2, 2)
    assert (figures.households_covered_end, figures.households_located_end) == (18, 26)
    assert (figures.work_orders_opened, figures.work_orders_closed) == (1, 1)
    assert figures.work_orders_median_days_to_close == 6.0
    # the plan: published, nothing delivered or installed yet
    assert (figures.bins_planned, figures.bins_installed, figures.spent_baht) == (4, 0, 0.0)
    assert figures.villages_below_threshold == ("หมู่ที่ 3 บ้านดอนแดง",)
    assert [m.month for m in figures.monthly] == [date(2025, m, 1) for m in (10, 11, 12)] + [
        date(2026, 1, 1)
    ]
    assert [asdict(m) for m in figures.monthly] == expected_months(today)
    row = ita.ita_bytes(figures, "docx", world.settings)
    cells = [c.text for c in docx.Document(io.BytesIO(row)).tables[0].rows[1].cells]
    assert cells[3] == "ต.ค. ๖๘ – ก.ย. ๖๙ (ข้อมูลถึงวันที่ ๓๑ มกราคม ๒๕๖๙ ปีงบประมาณยังไม่สิ้นสุด)"
    assert "(ร้อยละ ๖๙.๒) ณ วันที่ ๓๑ มกราคม ๒๕๖๙" in cells[5]  # 18 of 26
    with pytest.raises(InvalidInput) as refused:
        ita.gather_ita_figures(session, world.settings, 2570, today=today)
    assert refused.value.field == "fiscal_year"
    assert "2570" in refused.value.message_th and "not begun" in refused.value.message_en


# --- the documents ----------------------------------------------------------------------------


def _skeleton(text: str) -> str:
    """Without spaces and Thai marks above/below (pdftotext reorders them within a cluster)."""
    text = text.replace("\u0e33", "\u0e32")
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Mn")


#: The row's two last cells, written out by hand from the figures above.
SUMMARY = [
    "๑. ตรวจสอบสภาพถังขยะ ๑๐ ครั้ง จากที่ครบกำหนดตรวจ ๑๓ ครั้ง (ร้อยละ ๗๖.๙) ตรวจทันตามกำหนด ๔ ครั้ง",
    "๒. พบถังขยะชำรุด สูญหาย หรือขยะล้น เปิดใบสั่งงานซ่อม เปลี่ยน หรือเก็บขนเพิ่ม ๓ รายการ "
    "ดำเนินการแล้วเสร็จ ๒ รายการ (ร้อยละ ๖๖.๗) ใช้เวลาดำเนินการ (ค่ามัธยฐาน) ๙.๐ วัน",
    "๓. ติดตั้งถังขยะตามแผนการจัดสรรแล้ว ๑ ใบ จากแผน ๔ ใบ (ร้อยละ ๒๕.๐) "
    "ใช้งบประมาณ ๔,๖๐๐.๐๐ บาท จากวงเงิน ๑๐,๐๐๐.๐๐ บาท",
]
RESULT = [
    "๑. ถังขยะในทะเบียนอยู่ในสภาพใช้งานได้ ร้อยละ ๕๐.๐ (๑ จาก ๒ ใบ) ณ วันที่ ๑ ตุลาคม ๒๕๖๘ "
    "เพิ่มขึ้นเป็น ร้อยละ ๖๖.๗ (๒ จาก ๓ ใบ) ณ วันที่ ๓๐ กันยายน ๒๕๖๙",
    "๒. ครัวเรือนที่อยู่ในระยะ ๒๐๐ เมตร จากถังขยะที่ใช้งานได้ ๑๐ จาก ๒๖ ครัวเรือน (ร้อยละ ๓๘.๕) "
    "ณ ต้นปีงบประมาณ เพิ่มขึ้นเป็น ๒๒ จาก ๒๖ ครัวเรือน (ร้อยละ ๘๔.๖) ณ สิ้นปีงบประมาณ",
    "๓. หมู่บ้านที่ครัวเรือนอยู่ในระยะยังต่ำกว่าเกณฑ์ ร้อยละ ๖๐ จำนวน ๑ หมู่บ้าน ได้แก่ "
    "หมู่ที่ ๓ บ้านดอนแดง จะจัดสรรถังขยะเพิ่มเติมในปีงบประมาณ พ.ศ. ๒๕๗๐",
]


def test_the_three_documents_read_back(
    session: Session, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):  # a missing tool fails
        pytest.fail("needs poppler-utils", pytrace=False)
    figures = ita.gather_ita_figures(
        session, world.settings, YEAR, today=REPORTED_ON, synthetic=True
    )
    issued = date(2026, 10, 15)

    pdf = write_ita_report(figures, tmp_path / "ita.pdf", settings=world.settings, issued_on=issued)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "ita_synthetic_2569.pdf")  # to look at
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    page = _skeleton(text)
    for phrase in [*HEADINGS, "ต.ค. ๖๘ – ก.ย. ๖๙", *SUMMARY, *RESULT, "ข้อมูลสมมุติ"]:
        assert _skeleton(phrase) in page, phrase
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert 2 <= len(pages) <= 4
    for image in pages:
        shutil.copy(image, ARTIFACTS / f"ita_synthetic_2569_{image.name}")
    annex = [np.asarray(Image.open(p).convert("RGB"), dtype=np.int16) for p in pages[1:]]
    below = np.array((0xE6, 0x9F, 0x00))  # the map's village below the threshold
    assert any(int((np.abs(a - below).sum(axis=2) < 30).sum()) > 500 for a in annex)

    document = docx.Document(
        str(
            write_ita_report(
                figures, tmp_path / "ita.docx", settings=world.settings, issued_on=issued
            )
        )
    )
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == list(HEADINGS)
    cells = [c.text for c in table.rows[1].cells]
    assert cells[0].startswith("๘. ระบบบริการเชิงรุก")
    assert cells[2] == "กองสาธารณสุข"
    assert cells[3] == "ต.ค. ๖๘ – ก.ย. ๖๙"
    assert cells[4] == "\n".join(SUMMARY)
    assert cells[5] == "\n".join(RESULT)
    months = document.tables[1]
    assert len(months.rows) == 1 + 12 + 1
    for row, want in zip(months.rows[1:13], expected_months(), strict=True):
        got = [c.text for c in row.cells]
        registered, usable = want["bins_registered"], want["bins_usable"]
        assert got[1:5] == [
            th(want["inspections_done"]),
            th(want["inspections_due"]),
            th(registered),
            th(usable),
        ]
        assert got[5] == th(f"{100 * usable / registered:.1f}")
        assert got[6] == th(want["households_covered"])
        assert got[7] == th(f"{100 * want['households_covered'] / LOCATED:.1f}")
        assert got[8:] == [
            th(want["work_orders_opened"]),
            th(want["work_orders_closed"]),
            th(want["bins_installed"]),
        ]
    assert [c.text for c in months.rows[-1].cells] == [
        "รวมทั้งปี", "๑๐", "๑๓", "—", "—", "—", "—", "—", "๓", "๒", "๑",
    ]  # fmt: skip
    assert len(document.inline_shapes) == 3  # two charts and the map
    assert any("ข้อมูลสมมุติ" in p.text for p in document.paragraphs)

    book = openpyxl.load_workbook(
        write_ita_report(figures, tmp_path / "ita.xlsx", settings=world.settings), data_only=True
    )
    values = {r[3]: r[1] for r in book["ตัวเลข"].iter_rows(values_only=True) if r[3]}
    assert (
        values["inspections_done"],
        values["inspections_due"],
        values["inspections_on_time"],
    ) == (10, 13, 4)
    assert (values["bins_registered_start"], values["bins_usable_start"]) == (2, 1)
    assert (values["bins_registered_end"], values["bins_usable_end"]) == (3, 2)
    assert (values["work_orders_opened"], values["work_orders_closed"]) == (3, 2)
    assert values["work_orders_median_days_to_close"] == 9.0
    assert (values["bins_planned"], values["bins_installed"]) == (4, 1)
    assert (values["spent_baht"], values["budget_baht"]) == (4600.0, 10_000.0)
    assert (values["households_covered_start"], values["households_covered_end"]) == (10, 22)
    assert values["threshold_share"] == 0.6
    assert values["villages_below_threshold"] == "หมู่ที่ 3 บ้านดอนแดง"
    rows = list(book["รายเดือน"].iter_rows(values_only=True))
    first = next(i for i, r in enumerate(rows) if r[0] == "เดือน")
    assert rows[first + 1] == ("ต.ค. 68", 1, 1, 2, 2, 1.0, 18, 18 / 26, 0, 0, 0)
    assert rows[first + 12] == ("ก.ย. 69", 1, 1, 3, 2, 2 / 3, 22, 22 / 26, 1, 0, 0)
    assert len(book["แผนที่"]._images) == 1


def test_the_command_and_the_dashboard_download(
    session: Session, world: World, tmp_path: Path
) -> None:
    out = tmp_path / "ita.docx"
    assert (
        main(
            ["report", "ita", "--fiscal-year", str(YEAR), "--out", str(out)],
            settings=world.settings,
        )
        == 0
    )
    cells = [c.text for c in docx.Document(str(out)).tables[0].rows[1].cells]
    assert cells[4] == "\n".join(SUMMARY) and cells[5] == "\n".join(RESULT)

    for kind, magic in (("pdf", b"%PDF"), ("docx", b"PK"), ("xlsx", b"PK")):
        staff = world.client.get(
            f"/staff/reports/ita.{kind}?fiscal_year={YEAR}",
            headers={"Authorization": f"Bearer {world.place.staff_token}"},
        )
        assert staff.status_code == 200, staff.text
        assert staff.content[:4].startswith(magic)
        assert f'filename="ita-measure8-{YEAR}.{kind}"' in staff.headers["content-disposition"]
    head = world.client.get(
        f"/staff/reports/ita.pdf?fiscal_year={YEAR}",
        headers={"Authorization": f"Bearer {world.place.head_token}"},
    )
    assert head.status_code == 403
    page = world.client.get(
        "/staff", headers={"Authorization": f"Bearer {world.place.staff_token}"}
    )
    assert page.status_code == 200
    assert "/staff/reports/ita.pdf?fiscal_year=" in page.text
    assert len(SURVEYS) == 13
