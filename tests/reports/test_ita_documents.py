"""The ITA report's three forms, opened again: the PDF rendered and read, the Word table
checked cell by cell, the workbook's cells and charts."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import docx
import numpy as np
import openpyxl
import pytest
from docx.oxml.ns import qn
from PIL import Image

from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput
from fieldsvc.reports.ita import HEADINGS, ItaChart, ita_bytes, ita_row, write_ita_report
from fieldsvc.reports.ita.charts import COLOURS
from tests.reports.ita_figures import MAP_RGB, map_png, year

if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):  # a missing tool fails
    pytest.fail("needs poppler-utils (scripts/setup-system.sh installs it)", pytrace=False)

OFFICE = Settings(office_name="องค์การบริหารส่วนตำบลหนองบัว", cosignatory_name="นางสาวสมใจ ใจดี")
ISSUED = date(2027, 10, 15)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"


def _skeleton(text: str) -> str:
    """Text without spaces and Thai marks above/below: pdftotext splits and reorders the marks
    of Thai clusters (หมู่ comes out as ห-ม-่-ู) and writes ำ as า, though the page is right."""
    text = text.replace("\u0e33", "\u0e32")
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Mn")


def _pages(pdf: Path, dpi: int = 50) -> list[np.ndarray]:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(pdf.with_suffix(""))],
                   check=True)  # fmt: skip
    files = sorted(pdf.parent.glob(f"{pdf.stem}-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
    return [np.asarray(Image.open(f).convert("RGB"), dtype=np.int16) for f in files]


def _has_colour(page: np.ndarray, rgb: tuple[int, int, int], pixels: int) -> bool:
    return int((np.abs(page - np.array(rgb)).sum(axis=2) < 30).sum()) >= pixels


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ita") / "ita.pdf"
    write_ita_report(year(), out, settings=OFFICE, issued_on=ISSUED)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(out, ARTIFACTS / "ita_report_2570.pdf")  # to look at
    return out


def test_the_pdf_carries_the_row_in_thai_digits(pdf_file: Path) -> None:
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf_file), "-"], check=True, capture_output=True, text=True
    ).stdout
    page_text = _skeleton(text)
    row = ita_row(year(), thai_digits=True)
    expected = [
        "รายงานการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสประจำปีงบประมาณ พ.ศ. ๒๕๗๐",
        "ของ องค์การบริหารส่วนตำบลหนองบัว",
        *HEADINGS,
        "ต.ค. ๖๙ – ก.ย. ๗๐",
        "ตรวจสอบสภาพถังขยะ ๔๖๘ ครั้ง จากที่ครบกำหนดตรวจ ๕๐๔ ครั้ง (ร้อยละ ๙๒.๙)",
        "ติดตั้งถังขยะตามแผนการจัดสรรแล้ว ๑๑ ใบ จากแผน ๒๐ ใบ",
        "(ร้อยละ ๘๙.๑) ณ สิ้นปีงบประมาณ",
        "หมู่ที่ ๓ บ้านหัวขัว หมู่ที่ ๗ บ้านโนนสูง",
        "นางสาวสมใจ ใจดี",
        "วันที่ ๑๕ ตุลาคม ๒๕๗๐",
        "ภาคผนวก",
        "แผนภูมิที่ ๒ ร้อยละของถังขยะที่ใช้งานได้",
        "แผนที่ความครอบคลุม ณ วันที่ ๓๐ กันยายน ๒๕๗๐",
    ]
    for phrase in expected:
        assert _skeleton(phrase) in page_text, phrase
    assert _skeleton(row.result[0]) in page_text
    assert not re.search(r"[0-9]", text.replace("ITA", "")), "Arabic digits in the Thai form"


def test_the_pdf_is_landscape_with_charts_and_map_in_the_annex(pdf_file: Path) -> None:
    pages = _pages(pdf_file)
    assert 2 <= len(pages) <= 4
    for page in pages:
        assert page.shape[1] > page.shape[0], "A4 landscape"
    first, rest = pages[0], pages[1:]
    for colour in COLOURS:  # the charts are in the annex, not on the row's page
        assert not _has_colour(first, _hex_rgb(colour), 10)
        assert any(_has_colour(p, _hex_rgb(colour), 200) for p in rest), colour
    assert any(_has_colour(p, MAP_RGB, 2000) for p in rest), "the coverage map is missing"


def test_the_docx_table_cell_by_cell(tmp_path: Path) -> None:
    out = write_ita_report(year(), tmp_path / "ita.docx", settings=OFFICE, issued_on=ISSUED)
    document = docx.Document(str(out))
    section = document.sections[0]
    assert section.page_width > section.page_height
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == list(HEADINGS)
    got = [c.text for c in table.rows[1].cells]
    assert got == [
        "๘. ระบบบริการเชิงรุก เช่น ตรวจสอบถังขยะ ไฟฟ้า ให้อยู่ในสภาพที่สามารถใช้งานได้",
        "๑. จัดทำระบบชุดบริการเคลื่อนที่ตรวจสอบการให้บริการแก่ประชาชน\n"
        "๒. ขอความร่วมมือกำนัน ผู้ใหญ่บ้าน ตรวจสอบสภาพถังขยะตามรอบที่กำหนดด้วยแบบสำรวจบนโทรศัพท์\n"
        "๓. เปิดใบสั่งงานซ่อม เปลี่ยน หรือเก็บขนเพิ่ม เมื่อพบถังชำรุด สูญหาย หรือขยะล้น "
        "และตรวจซ้ำเพื่อยืนยันผล\n"
        "๔. จัดหาและติดตั้งถังขยะตามแผนการจัดสรรถังขยะ",
        "กองสาธารณสุข",
        "ต.ค. ๖๙ – ก.ย. ๗๐",
        "๑. ตรวจสอบสภาพถังขยะ ๔๖๘ ครั้ง จากที่ครบกำหนดตรวจ ๕๐๔ ครั้ง (ร้อยละ ๙๒.๙)\n"
        "๒. พบถังขยะชำรุด สูญหาย หรือขยะล้น เปิดใบสั่งงานซ่อม เปลี่ยน หรือเก็บขนเพิ่ม ๖๐ รายการ "
        "ดำเนินการแล้วเสร็จ ๔๘ รายการ (ร้อยละ ๘๐.๐) ใช้เวลาดำเนินการ (ค่ามัธยฐาน) ๖.๕ วัน "
        "ตรวจซ้ำยืนยันว่าใช้งานได้แล้ว ๔๑ รายการ\n"
        "๓. ติดตั้งถังขยะตามแผนการจัดสรรแล้ว ๑๑ ใบ จากแผน ๒๐ ใบ (ร้อยละ ๕๕.๐) "
        "ใช้งบประมาณ ๒๗,๕๐๐.๕๐ บาท จากวงเงิน ๕๐,๐๐๐.๐๐ บาท",
        "๑. ถังขยะในทะเบียนอยู่ในสภาพใช้งานได้ ร้อยละ ๗๙.๗ (๙๔ จาก ๑๑๘ ใบ) ณ วันที่ "
        "๑ ตุลาคม ๒๕๖๙ เพิ่มขึ้นเป็น ร้อยละ ๙๐.๑ (๑๑๘ จาก ๑๓๑ ใบ) ณ วันที่ ๓๐ กันยายน ๒๕๗๐\n"
        "๒. ครัวเรือนที่อยู่ในระยะ ๒๐๐ เมตร จากถังขยะที่ใช้งานได้ ๕๙๑ จาก ๘๐๐ ครัวเรือน "
        "(ร้อยละ ๗๓.๙) ณ ต้นปีงบประมาณ เพิ่มขึ้นเป็น ๗๑๓ จาก ๘๐๐ ครัวเรือน (ร้อยละ ๘๙.๑) "
        "ณ สิ้นปีงบประมาณ\n"
        "๓. หมู่บ้านที่ครัวเรือนอยู่ในระยะยังต่ำกว่าเกณฑ์ ร้อยละ ๘๐ จำนวน ๒ หมู่บ้าน ได้แก่ "
        "หมู่ที่ ๓ บ้านหัวขัว หมู่ที่ ๗ บ้านโนนสูง จะจัดสรรถังขยะเพิ่มเติมในปีงบประมาณ พ.ศ. ๒๕๗๑",
    ]
    # the Thai runs use the Thai (complex-script) font slot, or Word falls back to its own
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:cs")) == "TH Sarabun New"
    body = "\n".join(p.text for p in document.paragraphs)
    assert "ของ องค์การบริหารส่วนตำบลหนองบัว" in body
    assert "(นางสาวสมใจ ใจดี)" in body and "วันที่ ๑๕ ตุลาคม ๒๕๗๐" in body


def test_the_docx_annex_table_and_pictures(tmp_path: Path) -> None:
    document = docx.Document(io.BytesIO(ita_bytes(year(), "docx", OFFICE)))
    months = document.tables[1]
    assert len(months.rows) == 1 + 12 + 1
    assert [c.text for c in months.rows[1].cells] == [
        "ต.ค. ๖๙", "๓๘", "๔๒", "๑๒๐", "๙๖", "๘๐.๐", "๖๐๐", "๗๕.๐", "๕", "๔", "๐",
    ]  # fmt: skip
    assert [c.text for c in months.rows[-1].cells] == [
        "รวมทั้งปี", "๔๖๘", "๕๐๔", "—", "—", "—", "—", "—", "๖๐", "๔๘", "๑๒",
    ]  # fmt: skip
    assert len(document.inline_shapes) == 3  # two charts and the map
    captions = [p.text for p in document.paragraphs if p.text.startswith("แผนภูมิที่")]
    assert captions[0].startswith("แผนภูมิที่ ๑ จำนวนการตรวจสอบสภาพถังขยะรายเดือน")


def test_charts_given_as_svg_only_are_named_in_word(tmp_path: Path) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    charts = (ItaChart("แผนภูมิ ก", svg=svg), ItaChart("แผนภูมิ ข", png=map_png()))
    document = docx.Document(io.BytesIO(ita_bytes(year(charts=charts), "docx", OFFICE)))
    texts = [p.text for p in document.paragraphs]
    assert "แผนภูมิที่ ๑ แผนภูมิ ก (แสดงในรายงานฉบับ PDF)" in texts
    assert "แผนภูมิที่ ๒ แผนภูมิ ข" in texts
    assert len(document.inline_shapes) == 2  # chart ข and the map
    book = openpyxl.load_workbook(io.BytesIO(ita_bytes(year(charts=charts), "xlsx", OFFICE)))
    assert len(book["รายเดือน"]._images) == 1  # chart ข beside Excel's own two
    assert len(book["รายเดือน"]._charts) == 2


def test_the_workbook_cells(tmp_path: Path) -> None:
    out = write_ita_report(year(), tmp_path / "report.bin", "xlsx", settings=OFFICE)
    data = out.read_bytes()  # the format came from fmt, not the name
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    assert book.sheetnames == ["มาตรการที่ 8", "ตัวเลข", "รายเดือน", "แผนที่"]
    sheet = book["มาตรการที่ 8"]
    header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == HEADINGS[0])
    assert [sheet.cell(header, c).value for c in range(1, 7)] == list(HEADINGS)
    row = ita_row(year(), thai_digits=True)
    for c, lines in enumerate(row.cells(), start=1):
        assert sheet.cell(header + 1, c).value == "\n".join(lines)
    assert sheet.cell(header + 1, 4).value == "ต.ค. ๖๙ – ก.ย. ๗๐"

    figures = {r[3]: r[1] for r in book["ตัวเลข"].iter_rows(values_only=True) if r[3]}
    assert figures["inspections_done"] == 468 and figures["inspections_due"] == 504
    assert figures["usable_share_end"] == pytest.approx(118 / 131)
    assert figures["work_orders_median_days_to_close"] == 6.5
    assert figures["spent_baht"] == 27500.5
    assert figures["villages_below_threshold"] == "หมู่ที่ 3 บ้านหัวขัว, หมู่ที่ 7 บ้านโนนสูง"

    months = book["รายเดือน"]
    rows = list(months.iter_rows(values_only=True))
    first = next(i for i, r in enumerate(rows) if r[0] == "เดือน")
    assert rows[first + 1] == ("ต.ค. 69", 38, 42, 120, 96, 0.8, 600, 0.75, 5, 4, 0)
    assert rows[first + 12][0] == "ก.ย. 70"
    total = rows[first + 13]
    assert total[0] == "รวมทั้งปี"
    assert (total[1], total[2], total[8], total[9], total[10]) == (468, 504, 60, 48, 12)
    charts = openpyxl.load_workbook(io.BytesIO(data))["รายเดือน"]._charts
    assert len(charts) == 2
    assert len(book["แผนที่"]._images) == 1


def test_without_annex_data_the_forms_still_render(tmp_path: Path) -> None:
    bare = year(monthly=(), coverage_map_png=None)
    for fmt in ("pdf", "docx", "xlsx"):
        assert ita_bytes(bare, fmt, OFFICE)
    document = docx.Document(io.BytesIO(ita_bytes(bare, "docx", OFFICE)))
    assert len(document.tables) == 1 and len(document.inline_shapes) == 0
    assert openpyxl.load_workbook(io.BytesIO(ita_bytes(bare, "xlsx", OFFICE))).sheetnames == [
        "มาตรการที่ 8", "ตัวเลข", "รายเดือน",
    ]  # fmt: skip


def test_the_format_follows_the_extension_or_is_refused(tmp_path: Path) -> None:
    out = write_ita_report(year(), tmp_path / "sub" / "ita.docx", settings=OFFICE)
    assert out.read_bytes()[:2] == b"PK" and docx.Document(str(out)).tables
    with pytest.raises(InvalidInput) as caught:
        write_ita_report(year(), tmp_path / "ita.odt", settings=OFFICE)
    assert caught.value.details == {"value": "odt", "expected": ["pdf", "docx", "xlsx"]}


def test_the_sample_office_says_the_figures_are_synthetic(tmp_path: Path) -> None:
    document = docx.Document(io.BytesIO(ita_bytes(year(), "docx", Settings())))
    assert any("ข้อมูลสมมุติ" in p.text for p in document.paragraphs)
    real = docx.Document(io.BytesIO(ita_bytes(year(), "docx", OFFICE)))
    assert not any("ข้อมูลสมมุติ" in p.text for p in real.paragraphs)
