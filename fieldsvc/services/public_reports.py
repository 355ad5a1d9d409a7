"""Residents' reports as the public sees them: the public map's layer, the list on the public
page and the open-data files.

Only reports staff accepted (visibility ``public``) are shown; a report merged into another
(``duplicate_of_id``) is shown once, as its original. Every value shown comes from
``fieldsvc.services.citizen_reports.public_fields`` — the one place that decides what of a
report is public — plus Thai labels of its kind and status. The resident's description is shown
(FixMyStreet shows the text once a moderator has accepted it): staff read it before accepting.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

import geopandas as gpd
import pandas as pd
import shapely
from sqlmodel import Session

from fieldsvc.models import CitizenReport, ReportKind, ReportStatus
from fieldsvc.models.citizen import ReportVisibility
from fieldsvc.services.citizen_reports import public_fields
from fieldsvc.storage.citizen_reports import list_reports
from fieldsvc.thai import THAI_TZ

#: What a resident chose, as the public page and the map say it.
KIND_TH: Final[dict[ReportKind, str]] = {
    ReportKind.bin_full: "ถังเต็ม / ขยะล้น",
    ReportKind.bin_broken: "ถังชำรุด",
    ReportKind.bin_missing: "ถังหาย",
    ReportKind.bin_request: "ขอให้ตั้งถังตรงนี้",
    ReportKind.dumping: "ทิ้งขยะไม่เป็นที่",
}
STATUS_TH: Final[dict[ReportStatus, str]] = {
    ReportStatus.received: "รับเรื่องแล้ว",
    ReportStatus.in_progress: "กำลังดำเนินการ",
    ReportStatus.done: "เสร็จแล้ว",
}
#: The open-data columns, in order (all of them from ``public_fields`` or labels of them).
PUBLIC_REPORT_COLUMNS: Final = (
    "ticket",
    "kind",
    "kind_th",
    "status",
    "status_th",
    "description",
    "public_reply",
    "reported_at",
    "updated_at",
    "closed_at",
    "lon",
    "lat",
)
#: More reports than any subdistrict has in years; a bound, not a page.
_ALL: Final = 1_000_000


def _thai_time(value: datetime | None) -> str | None:
    return value.astimezone(THAI_TZ).isoformat(timespec="seconds") if value else None


def _shown(report: CitizenReport) -> dict[str, Any]:
    fields = public_fields(report)
    kind, status = ReportKind(fields["kind"]), ReportStatus(fields["status"])
    return {
        "ticket": fields["ticket"],
        "kind": kind.value,
        "kind_th": KIND_TH[kind],
        "status": status.value,
        "status_th": STATUS_TH[status],
        "description": fields["description"],
        "public_reply": fields["public_reply"],
        "reported_at": fields["created_at"],
        "updated_at": fields["updated_at"],
        "closed_at": fields["closed_at"],
        "lon": round(float(fields["lon"]), 6),
        "lat": round(float(fields["lat"]), 6),
    }


def public_reports(
    *, session: Session, limit: int = _ALL, subdistrict_id: int | None = None
) -> list[dict[str, Any]]:
    """Accepted reports, each once (merged duplicates left out), newest first, as
    :data:`PUBLIC_REPORT_COLUMNS` (times as ``datetime``); of one subdistrict when
    ``subdistrict_id`` is given (None: every report of the install)."""
    accepted = list_reports(session=session, visibility=[ReportVisibility.public], limit=_ALL)
    originals = [
        r
        for r in accepted
        if r.duplicate_of_id is None
        and (subdistrict_id is None or r.subdistrict_id == subdistrict_id)
    ]
    return [_shown(r) for r in originals[:limit]]


def public_reports_frame(
    *, session: Session, subdistrict_id: int | None = None
) -> gpd.GeoDataFrame:
    """:func:`public_reports` as WGS 84 points; times as Thai ISO 8601 text (``+07:00``)."""
    rows = public_reports(session=session, subdistrict_id=subdistrict_id)
    frame = pd.DataFrame(rows, columns=list(PUBLIC_REPORT_COLUMNS))
    for column in ("reported_at", "updated_at", "closed_at"):
        frame[column] = [_thai_time(v) for v in frame[column]]
    return gpd.GeoDataFrame(
        frame,
        geometry=shapely.points(frame["lon"].astype(float), frame["lat"].astype(float)),
        crs=4326,
    )


def public_reports_map_frame(
    *, session: Session, subdistrict_id: int | None = None
) -> gpd.GeoDataFrame:
    """The public map layer's points: ticket, kind and status (codes and Thai labels), the
    date reported (a ``datetime``) and the office's reply; of one subdistrict when
    ``subdistrict_id`` is given."""
    rows = public_reports(session=session, subdistrict_id=subdistrict_id)
    columns = ["ticket", "kind", "kind_th", "status", "status_th", "reported_at", "public_reply"]
    frame = pd.DataFrame([{c: r[c] for c in columns} for r in rows], columns=columns)
    points = shapely.points([r["lon"] for r in rows], [r["lat"] for r in rows])
    return gpd.GeoDataFrame(frame, geometry=points, crs=4326)
