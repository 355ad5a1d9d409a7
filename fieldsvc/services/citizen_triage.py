"""Staff triage of residents' reports: the queue, and what health staff do with a report.

Who may do what: health staff and admins triage (link a report to a bin and unlink it, merge
a duplicate into its original, reply publicly, move its status, reopen it); viewers read the
queue without the residents' contact details; village heads take no part (the office answers
residents, and contact details stay with it). Every action is an append-only event on the
report with who and when (``citizen_report_event``).

Linking a report about a full, broken or missing bin opens that bin's work order (extra
collection, repair, replace) or joins the open one, from the time the resident reported it
(``fieldsvc.services.work_orders.open_or_join_order``, in the same transaction as the link).

Status moves: received → in_progress → done, or received → done at once (nothing to do);
``done`` sets ``closed_at``. Reopening a done report sets it back to in_progress (it was
accepted as real before) and clears ``closed_at``. A merged duplicate takes no action of its
own: its resident's status page follows the original.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry import Point
from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.errors import Conflict, Forbidden, InvalidInput, NotFound
from fieldsvc.models import Bin, CitizenReport, ReportKind, ReportStatus, Role, User
from fieldsvc.models.citizen import CitizenReportEvent, ReportVisibility
from fieldsvc.models.types import utc_now
from fieldsvc.models.work_order import WorkOrderKind
from fieldsvc.services.citizen_public import MODERATION, moderate_report
from fieldsvc.services.citizen_reports import find_report, public_fields
from fieldsvc.services.work_orders import open_or_join_order
from fieldsvc.services.workplace import Workplace
from fieldsvc.storage.citizen_reports import (
    add_event,
    duplicates_of,
    list_reports,
    open_report_counts,
    open_reports,
    report_events,
)
from fieldsvc.storage.engine import commit_with_one_retry
from fieldsvc.storage.media import require_media
from fieldsvc.storage.register import bins_near, require_bin, villages_by_number
from fieldsvc.storage.tenancy import village_ids_in
from fieldsvc.thai import THAI_TZ

TRIAGE_ROLES = frozenset({Role.admin, Role.health_staff})
READ_ROLES = frozenset({Role.admin, Role.health_staff, Role.viewer})
OPEN = (ReportStatus.received, ReportStatus.in_progress)
#: Where a status may move by a triage action (reopening is its own action).
MOVES: dict[ReportStatus, tuple[ReportStatus, ...]] = {
    ReportStatus.received: (ReportStatus.in_progress, ReportStatus.done),
    ReportStatus.in_progress: (ReportStatus.done,),
    ReportStatus.done: (),
}
#: The work order a report about a registered bin opens or joins when staff link it.
ORDER_FOR_REPORT: dict[ReportKind, WorkOrderKind] = {
    ReportKind.bin_full: WorkOrderKind.extra_collection,
    ReportKind.bin_broken: WorkOrderKind.repair,
    ReportKind.bin_missing: WorkOrderKind.replace_bin,
}
ACTIONS = ("link", "unlink", "merge", "reply", "status", "reopen", "accept", "hide")
SUGGESTIONS = 3


# --- who ---------------------------------------------------------------------------------------


def require_triager(user: User) -> None:
    """Health staff and admins triage; everyone else is refused (403)."""
    if user.role not in TRIAGE_ROLES:
        raise Forbidden.of("citizen_triage_staff_only")


def require_reader(user: User) -> None:
    """Health staff, admins and viewers read the queue; village heads do not."""
    if user.role not in READ_ROLES:
        raise Forbidden.of("citizen_triage_staff_only")


def sees_contacts(user: User) -> bool:
    """Residents' names and phones are for the staff who answer them, not for viewers."""
    return user.role in TRIAGE_ROLES


# --- reading -----------------------------------------------------------------------------------


def _choice_text(value: str, allowed: Sequence[str], name: str) -> str:
    if value not in allowed:
        raise InvalidInput.of(
            "citizen_triage_action_unknown", field=name, value=value, expected=", ".join(allowed)
        )
    return value


def _choice(enum: Any, value: str | None, name: str) -> Any:
    if not value:
        return None
    return enum(_choice_text(value, [member.value for member in enum], name))


@dataclass(frozen=True)
class QueueFilter:
    """The queue's filters: ``status`` is a status, ``open`` (not done) or ``all``."""

    kind: ReportKind | None = None
    status: str = "open"
    village_id: int | None = None
    visibility: ReportVisibility | None = None
    oldest_first: bool = False

    @classmethod
    def parse(
        cls,
        *,
        kind: str | None = None,
        status: str | None = None,
        village_id: int | None = None,
        visibility: str | None = None,
        order: str | None = None,
    ) -> QueueFilter:
        """The filter from a page's or the API's query strings ("" is no filter)."""
        chosen = cls(
            kind=_choice(ReportKind, kind, "kind"),
            status=status or "open",
            village_id=village_id,
            visibility=_choice(ReportVisibility, visibility, "visibility"),
            oldest_first=_choice_text(order or "newest", ("newest", "oldest"), "order") == "oldest",
        )
        chosen.statuses()  # checked now: a wrong status is a 400 naming it
        return chosen

    def fields(self) -> dict[str, str]:
        """The filter as the page's form shows it."""
        return {
            "kind": self.kind.value if self.kind else "",
            "status": self.status,
            "village": str(self.village_id) if self.village_id is not None else "",
            "visibility": self.visibility.value if self.visibility else "",
            "order": "oldest" if self.oldest_first else "newest",
        }

    def statuses(self) -> list[ReportStatus] | None:
        if self.status == "all":
            return None
        if self.status == "open":
            return list(OPEN)
        try:
            return [ReportStatus(self.status)]
        except ValueError:
            expected = "open, all, " + ", ".join(s.value for s in ReportStatus)
            raise InvalidInput.of(
                "citizen_triage_action_unknown",
                field="status",
                value=self.status,
                expected=expected,
            ) from None


@dataclass(frozen=True)
class BinSuggestion:
    """A registered bin near a report, with its straight-line distance in metres."""

    code: str
    distance_m: float
    condition: str
    stream: str
    capacity_l: int | None


@dataclass(frozen=True)
class TriageItem:
    """One report as staff see it in the queue and on its page."""

    report: CitizenReport
    suggestions: list[BinSuggestion]
    bin_code: str | None
    original_ticket: str | None
    duplicate_tickets: list[str]
    events: list[CitizenReportEvent] = field(default_factory=list)
    actors: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class VillageCount:
    """Open reports of one village (``village_id`` None: outside every village)."""

    village_id: int | None
    number: int | None
    name: str
    open_reports: int


@dataclass(frozen=True)
class TriageQueue:
    items: list[TriageItem]
    more: bool
    counts: list[VillageCount]


def suggest_bins(
    *, session: Session, settings: Settings, report: CitizenReport, limit: int = SUGGESTIONS
) -> list[BinSuggestion]:
    """The registered bins nearest the report within ``citizen_bin_suggest_radius_m``, of
    the report's own subdistrict (a neighbour's bin across the border is not theirs to link)."""
    near = bins_near(
        session=session,
        lon=report.lon,
        lat=report.lat,
        radius_m=settings.citizen_bin_suggest_radius_m,
        limit=limit * 4 if report.subdistrict_id is not None else limit,
    )
    if report.subdistrict_id is not None:
        near = [(b, d) for b, d in near if b.subdistrict_id in (None, report.subdistrict_id)]
    return [
        BinSuggestion(b.code, round(d, 1), str(b.condition), str(b.stream), b.capacity_l)
        for b, d in near[:limit]
    ]


def _item(
    session: Session, settings: Settings, report: CitizenReport, *, full: bool = False
) -> TriageItem:
    assert report.id is not None
    bin_row = session.get(Bin, report.bin_id) if report.bin_id else None
    merged_id = report.duplicate_of_id
    original = session.get(CitizenReport, merged_id) if merged_id is not None else None
    events = list(report_events(session=session, report_id=report.id)) if full else []
    actors: dict[int, str] = {}
    for event in events:
        if event.actor_id is not None and event.actor_id not in actors:
            actor = session.get(User, event.actor_id)
            actors[event.actor_id] = actor.display_name if actor else str(event.actor_id)
    return TriageItem(
        report=report,
        suggestions=suggest_bins(session=session, settings=settings, report=report),
        bin_code=bin_row.code if bin_row else None,
        original_ticket=original.ticket if original else None,
        duplicate_tickets=[d.ticket for d in duplicates_of(session=session, report_id=report.id)],
        events=events,
        actors=actors,
    )


def village_counts(*, session: Session, subdistrict_id: int | None = None) -> list[VillageCount]:
    """Open reports per village, every village listed (in village order), then outside ones;
    only subdistrict ``subdistrict_id``'s villages and reports when given."""
    counts = open_report_counts(session=session, subdistrict_id=subdistrict_id)
    ids = (
        None
        if subdistrict_id is None
        else village_ids_in(session=session, subdistrict_ids=[subdistrict_id])
    )
    rows = [
        VillageCount(v.id, v.number, v.name, counts.get(v.id, 0))
        for v in villages_by_number(session=session, ids=ids)
    ]
    if counts.get(None):
        rows.append(VillageCount(None, None, "", counts[None]))
    return rows


def open_reports_on_map(
    *, session: Session, subdistrict_id: int | None = None
) -> tuple[dict[int | None, int], gpd.GeoDataFrame]:
    """Open reports per village id and the open reports as points (ticket, kind, received in
    Thai time) for the staff map; no contact, no description; only subdistrict
    ``subdistrict_id``'s when given."""
    rows = open_reports(session=session, subdistrict_id=subdistrict_id)
    frame = gpd.GeoDataFrame(
        {
            "ticket": [r.ticket for r in rows],
            "kind": [str(r.kind) for r in rows],
            "received": [r.created_at.astimezone(THAI_TZ).strftime("%Y-%m-%d %H:%M") for r in rows],
        },
        geometry=[Point(r.lon, r.lat) for r in rows],
        crs="EPSG:4326",
    )
    return open_report_counts(session=session, subdistrict_id=subdistrict_id), frame


def triage_queue(
    *,
    session: Session,
    settings: Settings,
    user: User,
    chosen: QueueFilter,
    limit: int = 100,
    subdistrict_id: int | None = None,
) -> TriageQueue:
    """Reports matching ``chosen`` (merged duplicates under their original), each with the
    nearest registered bins, and the open reports per village; only subdistrict
    ``subdistrict_id``'s when given (None: every subdistrict)."""
    require_reader(user)
    found = list_reports(
        session=session,
        statuses=chosen.statuses(),
        kinds=[chosen.kind] if chosen.kind else None,
        visibility=[chosen.visibility] if chosen.visibility else None,
        village_ids=[chosen.village_id] if chosen.village_id is not None else None,
        oldest_first=chosen.oldest_first,
        originals_only=True,
        limit=limit + 1,
        subdistrict_id=subdistrict_id,
    )
    items = [_item(session, settings, r) for r in found[:limit]]
    counts = village_counts(session=session, subdistrict_id=subdistrict_id)
    return TriageQueue(items=items, more=len(found) > limit, counts=counts)


def triage_detail(
    *,
    session: Session,
    settings: Settings,
    user: User,
    ticket: str,
    place: Workplace | None = None,
) -> TriageItem:
    """One report with its suggestions, duplicates and full history (404 for a report of a
    subdistrict the user of ``place`` does not work for)."""
    require_reader(user)
    report = find_report(session=session, ticket=ticket, place=place)
    return _item(session, settings, report, full=True)


def staff_fields(item: TriageItem, user: User) -> dict[str, Any]:
    """A report as the staff JSON API answers it: public fields, moderation, links, the
    suggestions and history; the contact only for those who answer residents."""
    report = item.report
    shown: dict[str, Any] = {
        **public_fields(report),
        "visibility": str(report.visibility),
        "channel": report.channel,
        "accuracy_m": report.accuracy_m,
        "bin_code": item.bin_code,
        "duplicate_of": item.original_ticket,
        "duplicates": item.duplicate_tickets,
        "has_photo": report.photo_sha256 is not None,
        "suggested_bins": [
            {"code": s.code, "distance_m": s.distance_m, "condition": s.condition}
            for s in item.suggestions
        ],
        "events": [
            {
                "action": e.action,
                "detail": e.detail,
                "actor": item.actors.get(e.actor_id) if e.actor_id is not None else None,
                "at": e.at,
            }
            for e in item.events
        ],
    }
    if sees_contacts(user):
        shown["contact"] = {
            "name": report.contact_name,
            "phone": report.contact_phone,
            "email": report.contact_email,
            "erased_at": report.contact_erased_at,
        }
    return shown


def report_photo(
    *,
    session: Session,
    settings: Settings,
    user: User,
    ticket: str,
    place: Workplace | None = None,
) -> tuple[Path, str]:
    """The resident's photo (EXIF removed when it was received) and its media type; staff only."""
    require_reader(user)
    report = find_report(session=session, ticket=ticket, place=place)
    if report.photo_sha256 is None:
        raise NotFound.of("citizen_photo_none", field="ticket", ticket=ticket)
    path = require_media(settings=settings, sha256=report.photo_sha256)
    return path, report.photo_media_type or "image/jpeg"


# --- acting ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TriageAction:
    """One triage action as a route parsed it (only the fields its ``action`` needs are read)."""

    action: str
    bin_code: str | None = None
    original_ticket: str | None = None
    text: str | None = None
    status: str | None = None


def _open_for_action(
    session: Session, ticket: str, place: Workplace | None = None
) -> CitizenReport:
    report = find_report(session=session, ticket=ticket, place=place)
    if report.duplicate_of_id is not None:
        original = session.get(CitizenReport, report.duplicate_of_id)
        raise Conflict.of(
            "citizen_merged_closed",
            field="ticket",
            ticket=ticket,
            original=original.ticket if original else "?",
        )
    return report


def _touch(session: Session, report: CitizenReport, action: str, detail: str | None, user: User):
    assert report.id is not None
    report.updated_at = utc_now()
    session.add(report)
    add_event(session=session, report_id=report.id, action=action, detail=detail, actor_id=user.id)


def link_bin(
    *, session: Session, user: User, ticket: str, bin_code: str, place: Workplace | None = None
) -> CitizenReport:
    """Link the report to the registered bin it is about (again, to correct it): the report
    then counts as residents' evidence on that bin's history. The bin must be of the
    report's subdistrict (another subdistrict's bin is not found)."""
    require_triager(user)
    report = _open_for_action(session, ticket, place)
    code = (bin_code or "").strip()
    bin_row = require_bin(session=session, code=code)
    if (place is not None and not place.may_see(bin_row.subdistrict_id)) or (
        report.subdistrict_id is not None
        and bin_row.subdistrict_id is not None
        and bin_row.subdistrict_id != report.subdistrict_id
    ):
        raise NotFound.of("bin_not_found", field="bin_code", details={"value": code}, bin_code=code)
    earlier = session.get(Bin, report.bin_id) if report.bin_id else None

    def write() -> CitizenReport:
        report.bin_id = bin_row.id
        detail = bin_row.code if earlier is None else f"{bin_row.code} (เดิม {earlier.code})"
        _touch(session, report, "link", detail, user)
        order_kind = ORDER_FOR_REPORT.get(ReportKind(report.kind))
        if order_kind is not None and bin_row.id is not None and report.id is not None:
            order = open_or_join_order(
                session,
                bin_row.id,
                order_kind,
                "citizen_report",
                user,
                at=report.created_at,  # the problem was there when the resident saw it
                note=report.ticket,
            )
            session.flush()
            add_event(
                session=session,
                report_id=report.id,
                action="work_order",
                detail=f"{order_kind.value} #{order.id}",
                actor_id=user.id,
            )
        return report

    return commit_with_one_retry(session, write)


def unlink_bin(
    *, session: Session, user: User, ticket: str, place: Workplace | None = None
) -> CitizenReport:
    """Take a wrong link off (the link event stays in the history)."""
    require_triager(user)
    report = _open_for_action(session, ticket, place)
    if report.bin_id is None:
        raise Conflict.of("citizen_not_linked", field="ticket", ticket=ticket)
    bin_row = session.get(Bin, report.bin_id)

    def write() -> CitizenReport:
        report.bin_id = None
        _touch(session, report, "unlink", bin_row.code if bin_row else None, user)
        return report

    return commit_with_one_retry(session, write)


def merge_report(
    *,
    session: Session,
    user: User,
    ticket: str,
    original_ticket: str,
    place: Workplace | None = None,
) -> CitizenReport:
    """Merge report ``ticket`` into ``original_ticket``: the duplicate points to the original
    and its status page follows it; reports already merged into the duplicate move along.
    Both must be of the same subdistrict."""
    require_triager(user)
    report = _open_for_action(session, ticket, place)
    original = find_report(session=session, ticket=(original_ticket or "").strip(), place=place)
    if (
        original.id == report.id
        or original.duplicate_of_id is not None
        or original.subdistrict_id != report.subdistrict_id
    ):
        raise Conflict.of(
            "citizen_merge_invalid",
            field="original_ticket",
            ticket=ticket,
            original=original.ticket,
        )
    assert report.id is not None and original.id is not None
    followers = list(duplicates_of(session=session, report_id=report.id))
    original_id = original.id

    def write() -> CitizenReport:
        for moved in [report, *followers]:
            moved.duplicate_of_id = original_id
            _touch(session, moved, "merge", original.ticket, user)
            add_event(
                session=session,
                report_id=original_id,
                action="supported",
                detail=moved.ticket,
                actor_id=user.id,
            )
        return report

    return commit_with_one_retry(session, write)


def reply_publicly(
    *,
    session: Session,
    settings: Settings,
    user: User,
    ticket: str,
    text: str,
    place: Workplace | None = None,
) -> CitizenReport:
    """Set the office's public reply (status page, Open311 ``status_notes``)."""
    require_triager(user)
    report = _open_for_action(session, ticket, place)
    cleaned = (text or "").strip()
    if not cleaned:
        raise InvalidInput.of("citizen_reply_empty", field="text")
    if len(cleaned) > settings.citizen_max_text_chars:
        raise InvalidInput.of(
            "citizen_text_too_long", field="text", max_chars=settings.citizen_max_text_chars
        )

    def write() -> CitizenReport:
        report.public_reply = cleaned
        _touch(session, report, "reply", cleaned, user)
        return report

    return commit_with_one_retry(session, write)


def _status(value: str | None) -> ReportStatus:
    try:
        return ReportStatus(value or "")
    except ValueError:
        expected = ", ".join(s.value for s in ReportStatus)
        raise InvalidInput.of(
            "citizen_triage_action_unknown", field="status", value=str(value), expected=expected
        ) from None


def move_status(
    *, session: Session, user: User, ticket: str, status: str, place: Workplace | None = None
) -> CitizenReport:
    """received → in_progress → done (or received → done); done sets ``closed_at``."""
    require_triager(user)
    report = _open_for_action(session, ticket, place)
    current, wanted = ReportStatus(report.status), _status(status)
    if wanted not in MOVES[current]:
        allowed = ", ".join(s.value for s in MOVES[current]) or "reopen"
        raise Conflict.of(
            "citizen_status_move",
            field="status",
            ticket=ticket,
            current=current.value,
            wanted=wanted.value,
            allowed=allowed,
        )

    def write() -> CitizenReport:
        report.status = wanted
        if wanted == ReportStatus.done:
            report.closed_at = utc_now()
        _touch(session, report, "status", f"{current.value}→{wanted.value}", user)
        return report

    return commit_with_one_retry(session, write)


def reopen_report(
    *, session: Session, user: User, ticket: str, place: Workplace | None = None
) -> CitizenReport:
    """A done report back to in_progress (the problem is back, or was not fixed)."""
    require_triager(user)
    report = _open_for_action(session, ticket, place)
    if ReportStatus(report.status) != ReportStatus.done:
        raise Conflict.of(
            "citizen_status_move",
            field="status",
            ticket=ticket,
            current=str(report.status),
            wanted=ReportStatus.in_progress.value,
            allowed="in_progress, done",
        )

    def write() -> CitizenReport:
        report.status = ReportStatus.in_progress
        report.closed_at = None
        _touch(session, report, "reopen", f"done→{ReportStatus.in_progress.value}", user)
        return report

    return commit_with_one_retry(session, write)


def triage_report(
    *,
    session: Session,
    settings: Settings,
    user: User,
    ticket: str,
    action: TriageAction,
    place: Workplace | None = None,
) -> CitizenReport:
    """Run one triage action (the JSON API and the page's forms both come here). ``place``:
    the caller's workplace; a report of a subdistrict they do not work for is 404."""
    require_triager(user)
    if action.action == "link":
        done = link_bin(
            session=session, user=user, ticket=ticket, bin_code=action.bin_code or "", place=place
        )
    elif action.action == "unlink":
        done = unlink_bin(session=session, user=user, ticket=ticket, place=place)
    elif action.action == "merge":
        done = merge_report(
            session=session,
            user=user,
            ticket=ticket,
            original_ticket=action.original_ticket or "",
            place=place,
        )
    elif action.action == "reply":
        done = reply_publicly(
            session=session,
            settings=settings,
            user=user,
            ticket=ticket,
            text=action.text or "",
            place=place,
        )
    elif action.action == "status":
        done = move_status(
            session=session, user=user, ticket=ticket, status=action.status or "", place=place
        )
    elif action.action == "reopen":
        done = reopen_report(session=session, user=user, ticket=ticket, place=place)
    elif action.action in MODERATION:  # the page's accept / hide buttons
        done = moderate_report(
            session=session, ticket=ticket, action=action.action, user=user, place=place
        )
    else:
        raise InvalidInput.of(
            "citizen_triage_action_unknown",
            field="action",
            value=action.action,
            expected=", ".join(ACTIONS),
        )
    session.refresh(done)
    return done
