"""Reports from residents: numbering, finding and listing them, and their event history.

A ticket is the fiscal year (พ.ศ.) and a serial, ``2570-00012``: short enough to read out on
the phone, unique by its column. Nothing here decides what is public: that is
``fieldsvc.services.citizen_reports.public_fields``.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from fieldsvc.models import CitizenReport, CitizenReportEvent, ReportKind, ReportStatus
from fieldsvc.models.citizen import ReportVisibility
from fieldsvc.storage.register import haversine_m


def next_ticket(*, session: Session, fiscal_year_be: int) -> str:
    """The next free ticket of the fiscal year: ``2570-00001``, ``2570-00002``, …"""
    prefix = f"{fiscal_year_be}-"
    last = session.exec(
        select(func.max(CitizenReport.ticket)).where(col(CitizenReport.ticket).startswith(prefix))
    ).one()
    serial = int(last.split("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:05d}"


def add_report(
    *, session: Session, report: CitizenReport, actor_id: int | None = None
) -> CitizenReport:
    """Store a new report (its ticket already set) with its ``created`` event; flushed, not
    committed."""
    session.add(report)
    session.flush()
    assert report.id is not None
    add_event(session=session, report_id=report.id, action="created", actor_id=actor_id)
    return report


def add_event(
    *,
    session: Session,
    report_id: int,
    action: str,
    detail: str | None = None,
    actor_id: int | None = None,
) -> CitizenReportEvent:
    """Append one event to a report's history (never changed afterwards)."""
    event = CitizenReportEvent(report_id=report_id, action=action, detail=detail, actor_id=actor_id)
    session.add(event)
    return event


def report_by_ticket(*, session: Session, ticket: str) -> CitizenReport | None:
    return session.exec(select(CitizenReport).where(CitizenReport.ticket == ticket)).first()


def report_by_draft(*, session: Session, draft_id: str) -> CitizenReport | None:
    """The report a phone already sent under this draft id (a re-send is the same report)."""
    return session.exec(select(CitizenReport).where(CitizenReport.draft_id == draft_id)).first()


def report_events(*, session: Session, report_id: int) -> Sequence[CitizenReportEvent]:
    query = select(CitizenReportEvent).where(CitizenReportEvent.report_id == report_id)
    return session.exec(query.order_by(col(CitizenReportEvent.id))).all()


def list_reports(
    *,
    session: Session,
    statuses: Collection[ReportStatus] | None = None,
    kinds: Collection[ReportKind] | None = None,
    visibility: Collection[ReportVisibility] | None = None,
    village_ids: Collection[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
    oldest_first: bool = False,
    originals_only: bool = False,
    subdistrict_id: int | None = None,
) -> Sequence[CitizenReport]:
    """Reports matching every filter given, newest first (oldest first when asked); only
    subdistrict ``subdistrict_id``'s when given (None: every subdistrict)."""
    query = select(CitizenReport)
    if subdistrict_id is not None:
        query = query.where(CitizenReport.subdistrict_id == subdistrict_id)
    if statuses is not None:
        query = query.where(col(CitizenReport.status).in_([str(s) for s in statuses]))
    if kinds is not None:
        query = query.where(col(CitizenReport.kind).in_([str(k) for k in kinds]))
    if visibility is not None:
        query = query.where(col(CitizenReport.visibility).in_([str(v) for v in visibility]))
    if village_ids is not None:
        query = query.where(col(CitizenReport.village_id).in_(list(village_ids)))
    if originals_only:  # merged duplicates are handled through their original
        query = query.where(col(CitizenReport.duplicate_of_id).is_(None))
    if since is not None:
        query = query.where(col(CitizenReport.created_at) >= since)
    if until is not None:
        query = query.where(col(CitizenReport.created_at) < until)
    if oldest_first:
        query = query.order_by(col(CitizenReport.created_at), col(CitizenReport.id))
    else:
        query = query.order_by(col(CitizenReport.created_at).desc(), col(CitizenReport.id).desc())
    return session.exec(query.offset(offset).limit(limit)).all()


def open_reports_near(
    *,
    session: Session,
    lon: float,
    lat: float,
    radius_m: float,
    kind: ReportKind | None = None,
    limit: int = 10,
) -> list[tuple[CitizenReport, float]]:
    """Open (not done) reports within ``radius_m`` of a point, nearest first, with distances;
    merged duplicates are left out (their original stands for them)."""
    dlat = radius_m / 111_000.0
    dlon = radius_m / (111_000.0 * max(math.cos(math.radians(lat)), 0.01))
    query = select(CitizenReport).where(
        col(CitizenReport.lat).between(lat - dlat, lat + dlat),
        col(CitizenReport.lon).between(lon - dlon, lon + dlon),
        CitizenReport.status != ReportStatus.done,
        col(CitizenReport.duplicate_of_id).is_(None),
    )
    if kind is not None:
        query = query.where(CitizenReport.kind == kind)
    found = [(r, haversine_m(lon, lat, r.lon, r.lat)) for r in session.exec(query)]
    found = [(r, d) for r, d in found if d <= radius_m]
    found.sort(key=lambda pair: (pair[1], pair[0].ticket))
    return found[:limit]


def count_reports_since(
    *,
    session: Session,
    since: datetime,
    client_hash: str | None = None,
    device_hash: str | None = None,
    partner: str | None = None,
) -> int:
    """Reports sent since ``since`` from this hashed address (or this hashed device, or this
    Open311 partner)."""
    query = select(func.count()).select_from(CitizenReport)
    query = query.where(col(CitizenReport.created_at) >= since)
    if client_hash is not None:
        query = query.where(CitizenReport.client_hash == client_hash)
    if device_hash is not None:
        query = query.where(CitizenReport.device_hash == device_hash)
    if partner is not None:
        query = query.where(CitizenReport.partner == partner)
    return int(session.exec(query).one())


def reports_with_contacts_before(*, session: Session, before: datetime) -> Sequence[CitizenReport]:
    """Reports older than ``before`` that still hold a name, phone or e-mail."""
    query = select(CitizenReport).where(
        col(CitizenReport.created_at) < before,
        col(CitizenReport.contact_erased_at).is_(None),
        (
            col(CitizenReport.contact_name).is_not(None)
            | col(CitizenReport.contact_phone).is_not(None)
            | col(CitizenReport.contact_email).is_not(None)
        ),
    )
    return session.exec(query.order_by(col(CitizenReport.id))).all()


def reports_of_bin(*, session: Session, bin_id: int) -> Sequence[CitizenReport]:
    """Reports linked to a bin (residents' evidence on its history), oldest first."""
    query = select(CitizenReport).where(CitizenReport.bin_id == bin_id)
    return session.exec(query.order_by(col(CitizenReport.created_at), col(CitizenReport.id))).all()


def open_report_counts(
    *,
    session: Session,
    village_ids: Collection[int] | None = None,
    subdistrict_id: int | None = None,
) -> dict[int | None, int]:
    """Open (not done) reports per village id (None: outside every village); merged
    duplicates are left out, hidden ones too (their original or nothing stands for them);
    only subdistrict ``subdistrict_id``'s when given."""
    query = (
        select(CitizenReport.village_id, func.count())
        .where(
            CitizenReport.status != ReportStatus.done,
            col(CitizenReport.duplicate_of_id).is_(None),
            CitizenReport.visibility != ReportVisibility.hidden,
        )
        .group_by(col(CitizenReport.village_id))
    )
    if village_ids is not None:
        query = query.where(col(CitizenReport.village_id).in_(list(village_ids)))
    if subdistrict_id is not None:
        query = query.where(CitizenReport.subdistrict_id == subdistrict_id)
    return {village_id: int(n) for village_id, n in session.exec(query)}


def duplicates_of(*, session: Session, report_id: int) -> Sequence[CitizenReport]:
    """Reports merged into (or joined to) report ``report_id``, oldest first."""
    query = select(CitizenReport).where(CitizenReport.duplicate_of_id == report_id)
    return session.exec(query.order_by(col(CitizenReport.created_at), col(CitizenReport.id))).all()


def open_reports(*, session: Session, subdistrict_id: int | None = None) -> Sequence[CitizenReport]:
    """Open (not done), not hidden reports that stand for themselves (no merged duplicates),
    oldest first: the staff map's dots; only subdistrict ``subdistrict_id``'s when given."""
    query = select(CitizenReport).where(
        CitizenReport.status != ReportStatus.done,
        col(CitizenReport.duplicate_of_id).is_(None),
        CitizenReport.visibility != ReportVisibility.hidden,
    )
    if subdistrict_id is not None:
        query = query.where(CitizenReport.subdistrict_id == subdistrict_id)
    return session.exec(query.order_by(col(CitizenReport.created_at), col(CitizenReport.id))).all()
