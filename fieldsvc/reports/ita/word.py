"""The ITA report as a Word document (offices finish and sign these reports in Word).

The same row and annex as the PDF: A4 landscape, the six-column table with one header row and
the measure's row, then the annex (monthly table, charts as PNG, the coverage map). Text is set
in TH Sarabun New, the font Thai government documents use; Word substitutes a Thai font where it
is not installed. Word cannot show SVG: a chart given only as SVG is named with a pointer to the
PDF.
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell
from docx.text.run import Run

from fieldsvc.config import Settings
from fieldsvc.reports.ita.annex import (
    MONTH_COLUMNS,
    annex_charts,
    month_totals,
    month_values,
    printed_cells,
)
from fieldsvc.reports.ita.figures import ItaFigures
from fieldsvc.reports.ita.printed import SYNTHETIC_NOTE
from fieldsvc.reports.ita.row import HEADINGS, MEASURE_8, ItaMeasure, ita_row
from fieldsvc.thai import digits, fiscal_year_label, format_be_date, thai_now

FONT = "TH Sarabun New"
BODY_PT = 16
TABLE_PT = 14
ANNEX_TABLE_PT = 12


def _set_font(style: BaseStyle | Run, size_pt: float) -> None:
    """Font name for Latin and complex script (Thai is complex script in Word), and sizes."""
    font = style.font  # type: ignore[union-attr]
    font.name = FONT
    font.size = Pt(size_pt)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    size_cs = rpr.find(qn("w:szCs"))
    if size_cs is None:
        size_cs = OxmlElement("w:szCs")
        rpr.append(size_cs)
    size_cs.set(qn("w:val"), str(int(size_pt * 2)))
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rpr.append(language)
    language.set(qn("w:bidi"), "th-TH")


def _repeat_header(table: Table) -> None:
    """The first row is printed again at the top of every page the table runs onto."""
    trpr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _fill_cell(cell: _Cell, lines: list[str], *, bold: bool = False, size_pt: float,
               align: WD_ALIGN_PARAGRAPH | None = None) -> None:  # fmt: skip
    """Each line as its own paragraph of the cell (the first reuses the empty paragraph)."""
    for i, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(2)
        if align is not None:
            paragraph.alignment = align
        run = paragraph.add_run(line)
        run.bold = bold
        run.font.size = Pt(size_pt)


def _centred(document: WordDocument, text: str, *, bold: bool = True, size_pt: float = 18) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size_pt)


def ita_docx(
    figures: ItaFigures,
    settings: Settings,
    *,
    thai_digits: bool | None = None,
    measure: ItaMeasure = MEASURE_8,
    issued_on: date | None = None,
) -> bytes:
    """The report as a .docx: the row's table is table 1, the monthly table table 2."""
    from fieldsvc.reports.plan_tables import is_sample_office

    thai = settings.report_thai_digits if thai_digits is None else thai_digits
    row = ita_row(figures, measure, thai_digits=thai)
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    _set_font(document.styles["Normal"], BODY_PT)
    document.core_properties.language = "th-TH"
    fiscal_year = fiscal_year_label(figures.fiscal_year_be, thai)
    document.core_properties.title = (
        f"รายงานการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส {fiscal_year}"
    )

    _centred(document, f"รายงานการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสประจำ{fiscal_year}")
    _centred(document, f"ของ {settings.office_name}")
    if figures.synthetic or is_sample_office(settings):
        note = document.add_paragraph().add_run(f"หมายเหตุ: {SYNTHETIC_NOTE}")
        note.bold = True
    intro = document.add_paragraph(
        f"ตามที่ {settings.office_name} ได้ดำเนินการวิเคราะห์การประเมิน ITA ประจำ"
        f"{fiscal_year_label(figures.fiscal_year_be - 1, thai)} และกำหนดมาตรการส่งเสริมคุณธรรม "
        f"และความโปร่งใสประจำ{fiscal_year} ทั้งนี้ {settings.office_name} "
        "ได้ดำเนินการตามมาตรการดังกล่าว โดยมีผลการดำเนินการดังนี้"
    )
    intro.paragraph_format.first_line_indent = Cm(2.5)

    table = document.add_table(rows=2, cols=len(HEADINGS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths_cm = (3.9, 4.9, 2.4, 2.4, 6.05, 6.05)
    for r in table.rows:
        for cell, width in zip(r.cells, widths_cm, strict=True):
            cell.width = Cm(width)
    for cell, heading in zip(table.rows[0].cells, HEADINGS, strict=True):
        _fill_cell(cell, [heading], bold=True, size_pt=TABLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    for i, (cell, lines) in enumerate(zip(table.rows[1].cells, row.cells(), strict=True)):
        centre = WD_ALIGN_PARAGRAPH.CENTER if i in (2, 3) else None
        _fill_cell(cell, lines, size_pt=TABLE_PT, align=centre)
    _repeat_header(table)

    document.add_paragraph()
    sign = document.add_paragraph()
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sign.add_run(
        "(ลงชื่อ) ...................................... ผู้รายงาน\n"
        f"({settings.cosignatory_name or '......................................'})\n"
        f"{settings.cosignatory_position}\n"
        f"วันที่ {format_be_date(issued_on or thai_now().date(), thai)}"
    )

    _annex(document, figures, thai, measure)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _annex(doc: WordDocument, figures: ItaFigures, thai: bool, measure: ItaMeasure) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _centred(doc, "ภาคผนวก")
    _centred(
        doc,
        f"ผลการดำเนินการรายเดือน มาตรการที่ {digits(measure.number, thai)} "
        f"{fiscal_year_label(figures.fiscal_year_be, thai)}",
    )
    if figures.monthly:
        table = doc.add_table(rows=1, cols=len(MONTH_COLUMNS))
        table.style = "Table Grid"
        for cell, (_, heading) in zip(table.rows[0].cells, MONTH_COLUMNS, strict=True):
            _fill_cell(cell, [heading], bold=True, size_pt=ANNEX_TABLE_PT,
                       align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
        rows = [printed_cells(month_values(m, thai), thai) for m in figures.monthly]
        rows.append(printed_cells(month_totals(figures.monthly), thai))
        for values in rows:
            cells = table.add_row().cells
            for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
                align = WD_ALIGN_PARAGRAPH.RIGHT if i else None
                _fill_cell(cell, [text], size_pt=ANNEX_TABLE_PT, align=align,
                           bold=values is rows[-1])  # fmt: skip
        _repeat_header(table)
    for number, chart in enumerate(annex_charts(figures, thai_digits=thai), 1):
        caption = f"แผนภูมิที่ {digits(number, thai)} {chart.title}"
        if chart.png is None:
            doc.add_paragraph(f"{caption} (แสดงในรายงานฉบับ PDF)")
            continue
        picture = doc.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.add_run().add_picture(io.BytesIO(chart.png), width=Cm(17))
        doc.add_paragraph(caption).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if figures.coverage_map_png:
        picture = doc.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.add_run().add_picture(io.BytesIO(figures.coverage_map_png), height=Cm(12))
        doc.add_paragraph(
            f"แผนที่ความครอบคลุม ณ วันที่ {format_be_date(figures.as_of_end, thai)}"
        ).alignment = WD_ALIGN_PARAGRAPH.CENTER
