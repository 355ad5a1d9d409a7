"""``import traffy``: the cleanliness and waste tickets of Traffy Fondue's public export that
lie inside the subdistrict, kept as their own read-only layer.

Which tickets are kept (documented rule): the type list holds ``ความสะอาด`` (Traffy's
cleanliness type, under which waste problems are filed), or the comment names waste
(``ขยะ``, ``มูลฝอย``) whatever the type — many tickets carry no type (``{}``). The point must
be inside the subdistrict boundary. A ticket already stored is updated (state, last activity,
rating, reopen count, after-photo, where it was last seen), never added twice. Photo URLs are
stored as text and never fetched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import shapely
from sqlmodel import Session

from fieldsvc.errors import InvalidInput
from fieldsvc.ingest.report import RowNote
from fieldsvc.ingest.traffy import TraffyExport, TraffyRecord, is_waste_ticket
from fieldsvc.models import Subdistrict, TraffyTicket
from fieldsvc.models.types import utc_now
from fieldsvc.problems import render
from fieldsvc.storage.register import only_subdistrict
from fieldsvc.storage.tenancy import subdistrict_by_code, subdistrict_count
from fieldsvc.storage.traffy import stored_tickets, village_shapes

_SHOWN_NOTES = 20
#: What a later export may change on a ticket Traffy keeps working on.
_CHANGING = ("state", "last_activity", "star", "count_reopen", "photo_after_url")


@dataclass
class TraffyImportOutcome:
    """What one import read and did; ``notes`` names each skipped or repaired row."""

    file: str
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    other_type: int = 0
    outside: int = 0
    malformed: list[RowNote] = field(default_factory=list)
    notes: list[RowNote] = field(default_factory=list)

    @property
    def kept(self) -> int:
        """Relevant tickets inside the subdistrict in this file (new, updated or unchanged)."""
        return self.added + self.updated + self.unchanged

    def summary(self) -> str:
        lines = [
            f"Traffy Fondue '{self.file}': อ่าน {self.read} เรื่อง เก็บไว้ {self.kept} "
            f"(ใหม่ {self.added} ปรับปรุง {self.updated} ไม่เปลี่ยน {self.unchanged}) "
            f"นอกตำบล {self.outside} ไม่ใช่เรื่องความสะอาด/ขยะ {self.other_type} "
            f"พิกัดหรือเลขเรื่องใช้ไม่ได้ {len(self.malformed)}",
            f"Read {self.read}, kept {self.kept} (new {self.added}, updated {self.updated}, "
            f"unchanged {self.unchanged}), outside the subdistrict {self.outside}, other type "
            f"{self.other_type}, unusable coordinates or ticket number {len(self.malformed)}",
        ]
        shown = sorted([*self.malformed, *self.notes], key=lambda n: n.row)
        lines += [note.line() for note in shown[:_SHOWN_NOTES]]
        if len(shown) > _SHOWN_NOTES:
            more = len(shown) - _SHOWN_NOTES
            lines.append(f"... และอีก {more} รายการ / ... and {more} more")
        return "\n".join(lines)


def _subdistrict(session: Session, code: str | None) -> Subdistrict:
    if not code and subdistrict_count(session=session) > 1:
        raise InvalidInput.of(
            "subdistrict_required",
            field="subdistrict_code",
            count=subdistrict_count(session=session),
        )
    found = (
        subdistrict_by_code(session=session, code=code)
        if code
        else only_subdistrict(session=session)
    )
    if found is None:
        raise InvalidInput.of("subdistrict_missing", field="subdistrict_code")
    if found.boundary is None:
        raise InvalidInput.of(
            "traffy_no_boundary", field="subdistrict_code", subdistrict=found.code
        )
    return found


def import_traffy(
    *,
    session: Session,
    path: Path,
    subdistrict_code: str | None = None,
    encoding: str | None = None,
) -> TraffyImportOutcome:
    """Keep the export's cleanliness/waste tickets inside the subdistrict; see the module.
    ``subdistrict_code`` names the subdistrict (required in an install of several); its
    tickets are stored as that subdistrict's.

    Nothing is stored when the file cannot be read to its end (one transaction).
    """
    subdistrict = _subdistrict(session, subdistrict_code)
    outline = shapely.make_valid(subdistrict.boundary)
    shapely.prepare(outline)
    villages = village_shapes(session=session, subdistrict_id=subdistrict.id or 0)
    for _, shape in villages:
        shapely.prepare(shape)
    export = TraffyExport(path, encoding=encoding)
    outcome = TraffyImportOutcome(file=export.file)
    stored = stored_tickets(session=session)
    rows_of: dict[str, int] = {}
    seen_at = utc_now()
    for record in export.tickets():
        if not is_waste_ticket(record.types, record.comment):
            outcome.other_type += 1
            continue
        point = shapely.Point(record.lon, record.lat)
        if not outline.covers(point):
            outcome.outside += 1
            continue
        repeated = record.ticket_id in rows_of
        if repeated:
            why = render("traffy_ticket_repeated", first=rows_of[record.ticket_id])
            outcome.notes.append(RowNote(record.row, *why, record.ticket_id))
        rows_of[record.ticket_id] = record.row
        village_id = next((vid for vid, shape in villages if shape.covers(point)), None)
        values = _values(record, village_id)
        ticket = stored.get(record.ticket_id)
        if ticket is None:
            ticket = TraffyTicket(
                ticket_id=record.ticket_id,
                lon=record.lon,
                lat=record.lat,
                imported_at=seen_at,
                subdistrict_id=subdistrict.id,  # the import's subdistrict holds the point
            )
            stored[record.ticket_id] = ticket
            session.add(ticket)
            outcome.added += 1
        else:
            changed = any(getattr(ticket, name) != values[name] for name in _CHANGING)
            if not repeated:  # counted once per file, however often the file repeats it
                if changed:
                    outcome.updated += 1
                else:
                    outcome.unchanged += 1
        for name, value in values.items():
            setattr(ticket, name, value)
        ticket.subdistrict_id = ticket.subdistrict_id or subdistrict.id
        ticket.last_seen_at = seen_at
        ticket.last_seen_file = export.file[:200]
    outcome.read = export.rows_read
    outcome.malformed = list(export.notes.rejected)
    outcome.notes = sorted([*outcome.notes, *export.notes.repaired], key=lambda n: n.row)
    session.commit()
    return outcome


def _values(record: TraffyRecord, village_id: int | None) -> dict[str, object]:
    return {
        "ticket_id": record.ticket_id,
        "types": ",".join(record.types) or None,
        "organization": record.organization,
        "comment": record.comment,
        "photo_url": record.photo,
        "photo_after_url": record.photo_after,
        "lon": record.lon,
        "lat": record.lat,
        "address": record.address,
        "subdistrict": record.subdistrict,
        "district": record.district,
        "province": record.province,
        "reported_at": record.reported_at,
        "state": record.state,
        "star": record.star,
        "count_reopen": record.count_reopen,
        "last_activity": record.last_activity,
        "village_id": village_id,
    }
