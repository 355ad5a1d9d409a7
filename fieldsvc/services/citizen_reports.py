"""Reports from residents: the one way a report is accepted (public page, Open311 partner app),
and the one place that decides which of its fields anyone may see.

Accepting checks what the report says and where it is, numbers it and stores it with its first
event. A phone that sends the same draft again (a retry after a lost answer) gets the report it
already made. Rate limits, photos and moderation screens build on this.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput, NotFound
from fieldsvc.models import CitizenReport, ReportKind
from fieldsvc.models.citizen import ReportVisibility
from fieldsvc.services.workplace import Workplace
from fieldsvc.storage.citizen_reports import (
    add_report,
    next_ticket,
    report_by_draft,
    report_by_ticket,
)
from fieldsvc.storage.engine import commit_with_one_retry
from fieldsvc.storage.places import locate
from fieldsvc.storage.tenancy import subdistrict_for_row
from fieldsvc.thai import fiscal_year_be, thai_now

#: The fields of a report anyone may see (status page, public map, Open311 ``GET requests``).
#: Contact details, hashes, the access key and the draft id are never among them.
PUBLIC_FIELDS = (
    "ticket",
    "kind",
    "description",
    "lon",
    "lat",
    "village_id",
    "bin_id",
    "status",
    "public_reply",
    "created_at",
    "updated_at",
    "closed_at",
)


@dataclass(frozen=True)
class ReportDraft:
    """A report as a resident (or a partner app) sends it, before it is accepted."""

    kind: str
    lon: float
    lat: float
    accuracy_m: float | None = None
    located_by: str = "gps"
    description: str | None = None
    address: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    channel: str = "web"
    partner: str | None = None
    draft_id: str | None = None
    client_hash: str | None = None
    device_hash: str | None = None


def _kind(value: str) -> ReportKind:
    try:
        return ReportKind(value)
    except ValueError:
        expected = ", ".join(k.value for k in ReportKind)
        raise InvalidInput.of(
            "citizen_kind_unknown", field="kind", value=value, expected=expected
        ) from None


def _text(value: str | None, field: str, settings: Settings) -> str | None:
    cleaned = (value or "").strip()
    if len(cleaned) > settings.citizen_max_text_chars:
        raise InvalidInput.of(
            "citizen_text_too_long", field=field, max_chars=settings.citizen_max_text_chars
        )
    return cleaned or None


def accept_report(*, session: Session, draft: ReportDraft, settings: Settings) -> CitizenReport:
    """Check, number and store a resident's report; committed. A draft id already seen
    returns that report unchanged (a re-send is one report)."""
    if draft.draft_id:
        earlier = report_by_draft(session=session, draft_id=draft.draft_id)
        if earlier is not None:
            return earlier
    kind = _kind(draft.kind)
    description = _text(draft.description, "description", settings)
    where = locate(session=session, number=None, point=(draft.lon, draft.lat))
    if where.inside_subdistrict is False:
        raise InvalidInput.of("citizen_outside_area", field="lat")
    visibility = (
        ReportVisibility.public
        if settings.citizen_reports_public_at_once
        else ReportVisibility.pending
    )

    def write() -> CitizenReport:
        report = CitizenReport(
            ticket=next_ticket(session=session, fiscal_year_be=fiscal_year_be(thai_now().date())),
            access_key=secrets.token_urlsafe(12),
            kind=kind,
            description=description,
            lon=draft.lon,
            lat=draft.lat,
            accuracy_m=draft.accuracy_m,
            located_by=draft.located_by,
            address=_text(draft.address, "address", settings),
            village_id=where.at_point.id if where.at_point else None,
            subdistrict_id=subdistrict_for_row(
                session=session,
                village_id=where.at_point.id if where.at_point else None,
                lon=draft.lon,
                lat=draft.lat,
            ),
            visibility=visibility,
            channel=draft.channel,
            partner=draft.partner,
            contact_name=_text(draft.contact_name, "name", settings),
            contact_phone=_text(draft.contact_phone, "phone", settings),
            contact_email=_text(draft.contact_email, "email", settings),
            draft_id=draft.draft_id,
            client_hash=draft.client_hash,
            device_hash=draft.device_hash,
        )
        return add_report(session=session, report=report)

    report = commit_with_one_retry(session, write)
    session.refresh(report)
    return report


def subdistrict_of_point(*, session: Session, lon: float, lat: float) -> int | None:
    """The subdistrict a report at (lon, lat) lands in: its village's, else the one whose
    boundary holds the point, else the install's only one (as :func:`accept_report` files it)."""
    where = locate(session=session, number=None, point=(lon, lat))
    village_id = where.at_point.id if where.at_point else None
    return subdistrict_for_row(session=session, village_id=village_id, lon=lon, lat=lat)


def find_report(*, session: Session, ticket: str, place: Workplace | None = None) -> CitizenReport:
    """The report numbered ``ticket`` (404 naming the number when there is none, or when it
    belongs to a subdistrict the user of ``place`` does not work for: its existence is not
    told). ``place`` None: no subdistrict check (the public status page, the CLI)."""
    report = report_by_ticket(session=session, ticket=ticket)
    if report is None or (place is not None and not place.may_see(report.subdistrict_id)):
        raise NotFound.of("citizen_report_unknown", field="ticket", ticket=ticket)
    return report


def public_fields(report: CitizenReport) -> dict[str, Any]:
    """The report as anyone may see it: :data:`PUBLIC_FIELDS` only."""
    return {name: getattr(report, name) for name in PUBLIC_FIELDS}
