"""QR sticker sheets: a village's registered bins printed again, or a batch of fresh codes
reserved for a village and printed to hand out.

Only health staff and admins print stickers or reserve codes (a village head asks the office;
a read-only viewer changes nothing). A fresh code is reserved in the same transaction that
decides it, so it is never issued twice; a survey that registers a new bin under it marks it
used (``fieldsvc.storage.issued_codes.mark_code_used``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlmodel import Session

from fieldsvc.errors import Conflict, Forbidden, InvalidInput, NotFound
from fieldsvc.models import IssuedCode, Role, Subdistrict, User, Village
from fieldsvc.reports.labels import Label
from fieldsvc.storage.engine import commit_with_one_retry
from fieldsvc.storage.issued_codes import (
    bins_of_village,
    free_serials,
    issued_codes_of,
    reserve_codes,
)
from fieldsvc.storage.register import get_village_by_number, list_villages

#: At most this many fresh codes per request: ten sheets.
MAX_FRESH_CODES = 240

Which = Literal["bins", "fresh"]


@dataclass(frozen=True)
class LabelSheet:
    """What goes on the sheets, and the PDF's title and file name."""

    labels: Sequence[Label]
    title: str
    filename: str


@dataclass(frozen=True)
class IssuedCodeRow:
    code: str
    issued_at: datetime
    used_at: datetime | None


@dataclass(frozen=True)
class VillageCodes:
    """A village on the stickers page: its bins and the codes issued for it."""

    number: int
    name: str
    bins: int
    issued: Sequence[IssuedCodeRow]

    @property
    def unused(self) -> int:
        return sum(1 for row in self.issued if row.used_at is None)


def require_label_printer(user: User) -> None:
    """Health staff and admins only (403 for village heads and read-only viewers)."""
    if user.role not in (Role.health_staff, Role.admin):
        raise Forbidden.of("labels_staff_only")


def _village(session: Session, number: int, subdistrict_id: int | None = None) -> Village:
    """Village ``number`` of subdistrict ``subdistrict_id`` (None: of the one subdistrict
    that has it, as the command line of a single-office install names it)."""
    village = get_village_by_number(session=session, number=number, subdistrict_id=subdistrict_id)
    if village is None:
        raise NotFound.of(
            "labels_village_unknown", field="village", details={"value": number}, village=number
        )
    return village


def _label(village: Village, subdistrict: Subdistrict | None, code: str) -> Label:
    return Label(
        code=code,
        village_number=village.number,
        village_name=village.name,
        subdistrict_name=subdistrict.name if subdistrict else "",
    )


def _sheet(session: Session, village: Village, codes: Sequence[str], which: Which) -> LabelSheet:
    subdistrict = session.get(Subdistrict, village.subdistrict_id)
    what = "ถังในทะเบียน" if which == "bins" else "รหัสใหม่"
    return LabelSheet(
        labels=[_label(village, subdistrict, code) for code in codes],
        title=f"ป้าย QR {what} หมู่ที่ {village.number} {village.name}",
        filename=f"qr-labels-village-{village.number:02d}-{which}.pdf",
    )


def village_labels(
    *,
    session: Session,
    user: User | None,
    village_number: int,
    which: Which,
    subdistrict_id: int | None = None,
) -> LabelSheet:
    """The stickers of a village's registered bins (``bins``), or of its fresh codes not used
    yet (``fresh``: a batch printed again); ``user`` None is the office's command line. The
    village number is one of subdistrict ``subdistrict_id`` (the request's workplace). 404
    when there is no such village or nothing to print."""
    if user is not None:
        require_label_printer(user)
    village = _village(session, village_number, subdistrict_id)
    if which == "bins":
        codes = [b.code for b in bins_of_village(session=session, village_id=village.id or 0)]
    else:
        rows = issued_codes_of(session=session, village_id=village.id or 0)
        codes = [row.code for row in rows if row.used_at is None]
    if not codes:
        raise NotFound.of(
            "labels_none_to_print",
            field="which",
            village=village_number,
            what="ถังในทะเบียน" if which == "bins" else "รหัสใหม่ที่ยังไม่ได้ใช้",
            what_en="registered bins" if which == "bins" else "unused fresh codes",
        )
    return _sheet(session, village, codes, which)


def issue_fresh_codes(
    *,
    session: Session,
    user: User | None,
    village_number: int,
    count: int,
    subdistrict_id: int | None = None,
) -> list[IssuedCode]:
    """Reserve ``count`` fresh codes for village ``village_number`` of subdistrict
    ``subdistrict_id`` and commit; ``user`` None is the office's command line. 422 for a count
    outside 1..240, 409 when the village has fewer codes left, 404 for no such village."""
    if user is not None:
        require_label_printer(user)
    if not 1 <= count <= MAX_FRESH_CODES:
        raise InvalidInput.of(
            "labels_count_out_of_range",
            field="count",
            details={"value": count, "max": MAX_FRESH_CODES},
            value=count,
            max_count=MAX_FRESH_CODES,
        )
    village = _village(session, village_number, subdistrict_id)

    def reserve() -> list[IssuedCode]:
        serials = free_serials(session=session, village_number=village.number, count=count)
        if len(serials) < count:
            raise Conflict.of(
                "labels_codes_used_up",
                field="count",
                details={"value": count, "left": len(serials)},
                village=village.number,
                left=len(serials),
            )
        return reserve_codes(
            session=session,
            village=village,
            serials=serials,
            issued_by_id=user.id if user is not None else None,
        )

    # Two offices reserving at once: the later one meets the unique code and tries again.
    return commit_with_one_retry(session, reserve)


def fresh_labels(
    *,
    session: Session,
    user: User | None,
    village_number: int,
    count: int,
    subdistrict_id: int | None = None,
) -> LabelSheet:
    """Reserve fresh codes (:func:`issue_fresh_codes`) and the sheet that prints them."""
    rows = issue_fresh_codes(
        session=session,
        user=user,
        village_number=village_number,
        count=count,
        subdistrict_id=subdistrict_id,
    )
    village = _village(session, village_number, subdistrict_id)
    sheet = _sheet(session, village, [row.code for row in rows], "fresh")
    stamp = rows[0].issued_at.strftime("%Y%m%d-%H%M%S") if rows else "none"
    return LabelSheet(sheet.labels, sheet.title, sheet.filename.replace(".pdf", f"-{stamp}.pdf"))


def labels_overview(
    *, session: Session, user: User, subdistrict_id: int | None = None
) -> list[VillageCodes]:
    """Every village (of subdistrict ``subdistrict_id`` when given) with its bin count and
    issued codes, for the stickers page."""
    require_label_printer(user)
    found = []
    for village in list_villages(session=session, subdistrict_id=subdistrict_id):
        village_id = village.id or 0
        found.append(
            VillageCodes(
                number=village.number,
                name=village.name,
                bins=len(bins_of_village(session=session, village_id=village_id)),
                issued=[
                    IssuedCodeRow(row.code, row.issued_at, row.used_at)
                    for row in issued_codes_of(session=session, village_id=village_id)
                ],
            )
        )
    return found
