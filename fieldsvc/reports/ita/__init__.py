"""The year's ITA report for measure 8 (proactive bin service): PDF, Word and Excel.

Hand :func:`write_ita_report` an :class:`ItaFigures` (gathered from rounds, work orders, plan
follow-through and coverage "as of" a date) and a path; the format follows ``fmt`` or the
path's extension. The bytes of each form are :func:`ita_pdf`, :func:`ita_docx`,
:func:`ita_xlsx` (for a web download).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from fieldsvc.config import Settings
from fieldsvc.reports.ita.figures import ItaChart, ItaFigures, ItaMonth
from fieldsvc.reports.ita.printed import ita_pdf
from fieldsvc.reports.ita.row import HEADINGS, MEASURE_8, ItaMeasure, ItaRow, ita_row
from fieldsvc.reports.ita.word import ita_docx
from fieldsvc.reports.ita.workbook import ita_xlsx
from fieldsvc.reports.tables import document_format, write_document

__all__ = [
    "FORMATS",
    "HEADINGS",
    "MEASURE_8",
    "MEDIA_TYPES",
    "ItaChart",
    "ItaFigures",
    "ItaMeasure",
    "ItaMonth",
    "ItaRow",
    "ita_bytes",
    "ita_docx",
    "ita_pdf",
    "ita_row",
    "ita_xlsx",
    "write_ita_report",
]

FORMATS = ("pdf", "docx", "xlsx")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def ita_bytes(
    figures: ItaFigures,
    fmt: str,
    settings: Settings,
    *,
    thai_digits: bool | None = None,
    measure: ItaMeasure = MEASURE_8,
    issued_on: date | None = None,
) -> bytes:
    """The report in one of :data:`FORMATS` as bytes (``issued_on``: PDF and Word only)."""
    writers: dict[str, Callable[[], bytes]] = {
        "pdf": lambda: ita_pdf(figures, settings, thai_digits=thai_digits, measure=measure,
                               issued_on=issued_on),
        "docx": lambda: ita_docx(figures, settings, thai_digits=thai_digits, measure=measure,
                                 issued_on=issued_on),
        "xlsx": lambda: ita_xlsx(figures, settings, thai_digits=thai_digits, measure=measure),
    }  # fmt: skip
    return writers[document_format(Path(f"report.{fmt}"), fmt, FORMATS)]()


def write_ita_report(
    figures: ItaFigures,
    out_path: Path,
    fmt: str | None = None,
    *,
    settings: Settings | None = None,
    thai_digits: bool | None = None,
    measure: ItaMeasure = MEASURE_8,
    issued_on: date | None = None,
) -> Path:
    """Write the report to ``out_path`` as ``fmt`` (else by its extension); returns the path.

    Parameters
    ----------
    figures
        The year's figures (see :class:`ItaFigures`).
    out_path
        The file to write; its folder is made when missing.
    fmt
        ``"pdf"``, ``"docx"`` or ``"xlsx"``; None takes the extension of ``out_path``.
    settings
        Office name, letterhead and signatory; default: the application's settings.
    thai_digits
        Thai digits in the text; default ``settings.report_thai_digits``.
    measure
        The measure's number, title, method and division (default: measure 8 as set in 2566).
    issued_on
        The date under the signature; default today (Thai time).

    Raises
    ------
    InvalidInput
        ``document_format_unknown`` for another format.
    """
    chosen = document_format(out_path, fmt, FORMATS)
    data = ita_bytes(
        figures,
        chosen,
        settings or Settings(),
        thai_digits=thai_digits,
        measure=measure,
        issued_on=issued_on,
    )
    return write_document(out_path, data)
