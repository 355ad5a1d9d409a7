"""The public report page's use cases: sending a report (with abuse checks and a photo), the
nearby open reports a resident may join, the resident's status page, staff moderation, and
erasing residents' contact details after the retention period.

Abuse checks, in the order they run: a filled honeypot field (a bot) is answered as if the
report were received but nothing is stored; a re-sent draft is the report it already made
(never counted twice); then at most ``citizen_reports_per_address_day`` reports per network
address and ``citizen_reports_per_device_day`` per phone in 24 hours. Address and device are
kept only as salted SHA-256 hashes (``client_hash``, ``device_hash``), never as sent.

Joining a nearby report (FixMyStreet's "add yours to it") stores the resident's report as its
own ticket with ``duplicate_of_id`` set and a ``supported`` event on the original: the resident
still has a ticket and a status page, and staff see how many people reported the same thing.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput, NotFound, TooManyRequests
from fieldsvc.ingest.photos import clean_photo
from fieldsvc.models import CitizenReport, ReportKind, ReportStatus, User
from fieldsvc.models.citizen import ReportVisibility
from fieldsvc.models.types import utc_now
from fieldsvc.services.citizen_reports import (
    ReportDraft,
    accept_report,
    find_report,
    public_fields,
    subdistrict_of_point,
)
from fieldsvc.services.workplace import Workplace
from fieldsvc.storage.citizen_reports import (
    add_event,
    count_reports_since,
    open_reports_near,
    report_by_draft,
    report_events,
    reports_with_contacts_before,
)
from fieldsvc.storage.engine import commit_with_one_retry
from fieldsvc.storage.media import store_media

SALT_FILE = ".citizen-hash-salt"
RATE_WINDOW = timedelta(hours=24)
#: Status page steps, in order (the resident sees where the report is).
STEPS = (ReportStatus.received, ReportStatus.in_progress, ReportStatus.done)


@dataclass(frozen=True)
class PublicSubmission:
    """What the public report page sends, as parsed by the route."""

    draft: ReportDraft
    photo: bytes | None = None
    photo_name: str = "photo.jpg"
    join_ticket: str | None = None
    honeypot: str | None = None
    client_address: str | None = None
    device_id: str | None = None


@dataclass(frozen=True)
class Sent:
    """The answer to a send: ``report`` is None when a bot filled the honeypot."""

    report: CitizenReport | None


# --- hashing -------------------------------------------------------------------------------


def _salt(settings: Settings) -> bytes:
    """The secret salt: from the settings, else a random one kept beside the photos (so every
    worker and every restart hash alike, and nobody can test a guessed address offline)."""
    if settings.citizen_hash_salt:
        return settings.citizen_hash_salt.encode()
    path: Path = settings.effective_media_dir / SALT_FILE
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker made it first
            return path.read_bytes()
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_hex(32).encode())
    return path.read_bytes()


def salted_hash(value: str | None, *, settings: Settings, purpose: str) -> str | None:
    """HMAC-SHA-256 of ``value`` under the salt (``purpose`` keeps address and device apart)."""
    if not value:
        return None
    message = f"{purpose}:{value}".encode()
    return hmac.new(_salt(settings), message, hashlib.sha256).hexdigest()


# --- sending -------------------------------------------------------------------------------


def _check_rates(*, session: Session, settings: Settings, client: str | None, device: str | None):
    since = utc_now() - RATE_WINDOW
    if client is not None:
        used = count_reports_since(session=session, since=since, client_hash=client)
        if used >= settings.citizen_reports_per_address_day:
            raise TooManyRequests.of(
                "citizen_rate_address", limit=settings.citizen_reports_per_address_day
            )
    if device is not None:
        used = count_reports_since(session=session, since=since, device_hash=device)
        if used >= settings.citizen_reports_per_device_day:
            raise TooManyRequests.of(
                "citizen_rate_device", limit=settings.citizen_reports_per_device_day
            )


def _other_office(subdistrict_id: int | None, here: int | None) -> bool:
    """A report of another subdistrict than the one a point is in (unknown on either side:
    not told apart)."""
    return subdistrict_id is not None and here is not None and subdistrict_id != here


def _join_target(
    *, session: Session, ticket: str | None, draft: ReportDraft
) -> CitizenReport | None:
    if not ticket:
        return None
    target = find_report(session=session, ticket=ticket)
    if (
        target.visibility != ReportVisibility.public
        or target.status == ReportStatus.done
        or target.kind != draft.kind
        or _other_office(
            target.subdistrict_id,
            subdistrict_of_point(session=session, lon=draft.lon, lat=draft.lat),
        )
    ):
        raise InvalidInput.of("citizen_join_closed", field="join", ticket=ticket)
    return target


def send_public_report(*, session: Session, settings: Settings, sent: PublicSubmission) -> Sent:
    """Accept a report from the public page (committed); see the module's abuse checks."""
    if sent.honeypot:
        return Sent(report=None)
    if sent.draft.draft_id:
        earlier = report_by_draft(session=session, draft_id=sent.draft.draft_id)
        if earlier is not None:
            return Sent(report=earlier)
    client = salted_hash(sent.client_address, settings=settings, purpose="address")
    device = salted_hash(sent.device_id, settings=settings, purpose="device")
    _check_rates(session=session, settings=settings, client=client, device=device)
    target = _join_target(session=session, ticket=sent.join_ticket, draft=sent.draft)
    photo = None
    if sent.photo:
        photo = clean_photo(
            sent.photo, name=sent.photo_name, max_bytes=settings.citizen_max_photo_bytes
        )
    draft = replace(sent.draft, client_hash=client, device_hash=device, channel="web")
    report = accept_report(session=session, draft=draft, settings=settings)
    if photo is None and target is None:
        return Sent(report=report)
    report_id = report.id
    assert report_id is not None

    def attach() -> CitizenReport:
        if photo is not None:
            report.photo_sha256 = store_media(settings=settings, data=photo.data)
            report.photo_media_type = photo.media_type
        if target is not None and target.id is not None:
            report.duplicate_of_id = target.id
            add_event(session=session, report_id=target.id, action="supported")
            add_event(session=session, report_id=report_id, action="merge", detail=target.ticket)
        session.add(report)
        return report

    commit_with_one_retry(session, attach)
    session.refresh(report)
    return Sent(report=report)


# --- what a resident may see -----------------------------------------------------------------


def nearby_open_reports(
    *, session: Session, settings: Settings, lon: float, lat: float, kind: str
) -> list[dict[str, Any]]:
    """Public open reports of ``kind`` near a point, nearest first: ticket, when, how far;
    only those of the subdistrict the point is in (the office that will handle the report)."""
    try:
        report_kind = ReportKind(kind)
    except ValueError:
        expected = ", ".join(k.value for k in ReportKind)
        raise InvalidInput.of(
            "citizen_kind_unknown", field="kind", value=kind, expected=expected
        ) from None
    found = open_reports_near(
        session=session,
        lon=lon,
        lat=lat,
        radius_m=settings.citizen_duplicate_radius_m,
        kind=report_kind,
        limit=50,
    )
    now = utc_now()
    shown = []
    here = subdistrict_of_point(session=session, lon=lon, lat=lat) if found else None
    for report, distance in found:
        if report.visibility != ReportVisibility.public:
            continue  # not yet accepted by staff: nobody else sees it
        if _other_office(report.subdistrict_id, here):
            continue  # across a border: another office's report
        shown.append(
            {
                "ticket": report.ticket,
                "kind": report.kind,
                "status": report.status,
                "created_at": report.created_at,
                "days_ago": max((now - report.created_at).days, 0),
                "distance_m": round(distance),
            }
        )
    return shown[:5]


def status_view(*, session: Session, ticket: str, access_key: str) -> dict[str, Any]:
    """What the resident's status page shows: public fields, the steps reached, supporters.

    A wrong key is the same 404 as an unknown ticket (the page does not confirm a number)."""
    report = find_report(session=session, ticket=ticket)
    if not hmac.compare_digest(report.access_key.encode(), access_key.encode()):
        raise NotFound.of("citizen_report_unknown", field="ticket", ticket=ticket)
    # A report merged into another (joined by the resident, or merged by staff) shows the
    # original's progress and reply: the office works on the original only.
    merged_id = report.duplicate_of_id
    original = session.get(CitizenReport, merged_id) if merged_id is not None else None
    followed = original or report
    assert followed.id is not None
    events = report_events(session=session, report_id=followed.id)
    step = STEPS.index(ReportStatus(followed.status))
    shown = public_fields(report)
    if original is not None:
        progress = public_fields(original)
        for name in ("status", "public_reply", "closed_at", "bin_id"):
            shown[name] = progress[name]
    return {
        "report": shown,
        "step": step,
        "steps": [str(s) for s in STEPS],
        "supporters": sum(1 for e in events if e.action == "supported"),
        "visibility": str(report.visibility),
        "has_photo": report.photo_sha256 is not None,
        "merged_into": original.ticket if original is not None else None,
    }


# --- staff ---------------------------------------------------------------------------------

MODERATION = {"accept": ReportVisibility.public, "hide": ReportVisibility.hidden}


def moderate_report(
    *, session: Session, ticket: str, action: str, user: User, place: Workplace | None = None
) -> CitizenReport:
    """Make a report public (``accept``) or hide it (``hide``), with a ``moderation`` event;
    a report of a subdistrict the user of ``place`` does not work for is 404."""
    if action not in MODERATION:
        raise InvalidInput.of(
            "citizen_moderation_unknown", field="action", value=action, expected="accept, hide"
        )
    report = find_report(session=session, ticket=ticket, place=place)
    assert report.id is not None
    report_id = report.id

    def write() -> CitizenReport:
        report.visibility = MODERATION[action]
        report.updated_at = utc_now()
        session.add(report)
        add_event(
            session=session,
            report_id=report_id,
            action="moderation",
            detail=str(MODERATION[action]),
            actor_id=user.id,
        )
        return report

    commit_with_one_retry(session, write)
    session.refresh(report)
    return report


def erase_old_contacts(*, session: Session, settings: Settings, now: datetime | None = None) -> int:
    """Erase name, phone and e-mail of reports older than ``citizen_contact_keep_days``;
    committed. Returns how many reports were erased (each gets a ``contact_erased`` event)."""
    now = now or utc_now()
    before = now - timedelta(days=settings.citizen_contact_keep_days)
    old = list(reports_with_contacts_before(session=session, before=before))

    def write() -> int:
        for report in old:
            assert report.id is not None
            report.contact_name = report.contact_phone = report.contact_email = None
            report.contact_erased_at = now
            session.add(report)
            add_event(session=session, report_id=report.id, action="contact_erased")
        return len(old)

    return commit_with_one_retry(session, write)
