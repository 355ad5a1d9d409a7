"""The lists ODK Collect downloads with a form (its media files): the user's villages and the
registered bins of those villages as the ODK entity list ``bins`` (spec 2024.1), and the
integrity answer that tells a phone which bins it holds are gone.

Each token gets only the bins of its own villages (ODK Central serves every entity to every
device; this server filters by design): a village head's villages, the villages of the
subdistricts a staff member works for (never a neighbouring subdistrict's), every village for a
user of every subdistrict. A bin that leaves a head's villages, or leaves the
register, is reported deleted to that head's phone, which then drops it from its list.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from xml.sax.saxutils import quoteattr

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.models import User
from fieldsvc.models.enums import CONDITION_TH, Condition
from fieldsvc.services.phone_scope import phone_village_ids
from fieldsvc.services.rounds import STATE_ORDER, bins_due
from fieldsvc.storage.entities import EntityRow, entity_rows, listed_entity_ids
from fieldsvc.storage.register import list_villages

BINS_CSV = "bins.csv"
#: The entity list's columns: the three the spec fixes, then the bins' properties (the names
#: the form's ``save_to`` writes). ``code`` and ``village`` let the form find a scanned code.
BINS_COLUMNS = (
    "name",
    "label",
    "__version",
    "code",
    "village",
    "capacity_l",
    "stream",
    "condition",
    "geometry",
    "last_inspected",
    "due_on",
    "due_state",
)
#: The columns the server works out (inspection rounds); the form reads them, never saves them.
DERIVED_COLUMNS = ("due_on", "due_state")
#: How a bin's due state reads in its label (Collect shows the label in the list).
DUE_LABEL_TH = {"overdue": "เลยกำหนดตรวจ", "due": "ครบกำหนดตรวจ"}
#: At most this many ids per integrity question (Collect asks for the ids it holds, in one go).
MAX_INTEGRITY_IDS = 5000


def bin_label(row: EntityRow, due_state: str = "") -> str:
    """What the surveyor sees in the list: code, village and last condition, in Thai,
    e.g. ``NB-0001 หมู่ 1 บ้านโนนสูง · ใช้งานได้``, then ``· ครบกำหนดตรวจ`` or
    ``· เลยกำหนดตรวจ`` when the bin is due or overdue for inspection."""
    village = "" if row.village_number is None else f" หมู่ {row.village_number}"
    if row.village_name and row.village_number is not None:
        village += f" {row.village_name}"
    try:
        condition = CONDITION_TH[Condition(row.condition)]
    except ValueError:
        condition = row.condition
    due = f" · {DUE_LABEL_TH[due_state]}" if due_state in DUE_LABEL_TH else ""
    return f"{row.code}{village} · {condition}{due}"


def bins_csv(*, session: Session, settings: Settings, user: User) -> bytes:
    """``bins.csv``, the entity list: ``name`` (the bin's entity UUID), ``label``,
    ``__version``, then ``code``, ``village`` (number), ``capacity_l``, ``stream``,
    ``condition``, ``geometry`` (``lat lon 0 0``, as Collect writes a geopoint),
    ``last_inspected`` (date), ``due_on`` (date) and ``due_state`` (overdue, due, done,
    not_due; see ``fieldsvc.analysis.rounds``). Rows come overdue first (longest overdue
    first), then due (soonest first), then the rest by code, so Collect's list shows the
    bins to inspect at the top. A village head gets the bins of their villages only. UTF-8
    without BOM, LF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(BINS_COLUMNS)
    village_ids = phone_village_ids(session=session, user=user)
    due = bins_due(session=session, settings=settings, village_ids=village_ids)
    due_by_code = {
        code: (str(on), str(state))
        for code, on, state in zip(due["code"], due["due_on"], due["due_state"], strict=True)
    }
    rows = entity_rows(session=session, village_ids=village_ids)
    rows.sort(key=lambda r: _due_order(r.code, due_by_code))
    for row in rows:
        due_on, due_state = due_by_code.get(row.code, ("", ""))
        writer.writerow(
            [
                row.entity_id,
                bin_label(row, due_state),
                row.version,
                row.code,
                "" if row.village_number is None else row.village_number,
                row.capacity_l,
                row.stream,
                row.condition,
                f"{row.lat:.7f} {row.lon:.7f} 0 0",
                row.last_inspected_on,
                due_on,
                due_state,
            ]
        )
    return out.getvalue().encode("utf-8")


def _due_order(code: str, due: dict[str, tuple[str, str]]) -> tuple[int, str, str]:
    on, state = due.get(code, ("", "not_due"))
    rank = STATE_ORDER.get(state, len(STATE_ORDER))
    # overdue and due: the earliest due date first; the others keep code order
    return (rank, on if rank <= 1 else "", code)


def villages_csv(*, session: Session, user: User) -> bytes:
    """``villages.csv`` from the database (name = village number, label = "หมู่ที่ N name"),
    limited to a village head's own villages, or a staff member's subdistricts' villages.
    UTF-8 without BOM, LF line ends."""
    allowed = phone_village_ids(session=session, user=user)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "label"])
    seen: set[int] = set()
    # only the allowed villages are read (a national install holds ~75,000)
    for village in list_villages(session=session, ids=allowed):
        if village.number in seen or (allowed is not None and village.id not in allowed):
            continue
        seen.add(village.number)
        writer.writerow([village.number, f"หมู่ที่ {village.number} {village.name}".strip()])
    return out.getvalue().encode("utf-8")


def requested_ids(raw: str | None) -> list[str]:
    """The ids of an integrity question (``?id=a,b,c``), in order, without blanks or repeats."""
    ids = [part.strip() for part in (raw or "").split(",")]
    return list(dict.fromkeys(i for i in ids if i))[:MAX_INTEGRITY_IDS]


def integrity_xml(*, session: Session, user: User, entity_ids: Sequence[str]) -> str:
    """The OpenRosa integrity answer for the bins list: for each id asked, whether it is gone
    (``<deleted>true</deleted>``: no such bin in the register, or no longer one of this
    user's villages) or still listed (``false``)."""
    village_ids = phone_village_ids(session=session, user=user)
    present = listed_entity_ids(session=session, entity_ids=entity_ids, village_ids=village_ids)
    items = "".join(
        f"<entity id={quoteattr(i)}><deleted>{'false' if i in present else 'true'}</deleted>"
        "</entity>"
        for i in entity_ids
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<data><entities>{items}</entities></data>'
