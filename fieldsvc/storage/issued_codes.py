"""Codes printed on QR stickers: reserving fresh codes for a village, marking one used when a
survey registers a new bin under it, and the bins whose stickers are printed again.

A fresh code has the shape of every new code: the village number (two digits) and four digits,
``07-0427``. Codes are handed out lowest first, skipping every code a bin already carries or
that was issued before, so a code is never issued twice (``issued_code.code`` is also unique).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from fieldsvc.models import Bin, IssuedCode, Village
from fieldsvc.models.types import utc_now

#: ``NN-NNNN``: village number, hyphen, four digits.
VILLAGE_CODE_RE = re.compile(r"^(\d{2})-(\d{4})$")
#: Serial numbers per village: 0001 … 9999.
MAX_SERIAL = 9999

ISSUED = IssuedCode.__table__  # type: ignore[attr-defined]
# Built once (values as parameters): runs on the intake's hot path for every new bin.
_MARK_USED = (
    update(ISSUED)
    .where(ISSUED.c.code == bindparam("i_code"), ISSUED.c.used_at.is_(None))
    .values(used_at=bindparam("i_used_at"), bin_id=bindparam("i_bin_id"))
)


def village_code(village_number: int, serial: int) -> str:
    """The code of sticker ``serial`` of village ``village_number``: ``village_code(7, 427)``
    is ``"07-0427"``."""
    return f"{village_number:02d}-{serial:04d}"


def _taken_serials(session: Session, village_number: int) -> set[int]:
    prefix = f"{village_number:02d}-"
    codes = list(session.exec(select(Bin.code).where(col(Bin.code).startswith(prefix))))
    codes += list(
        session.exec(select(IssuedCode.code).where(col(IssuedCode.code).startswith(prefix)))
    )
    serials = set()
    for code in codes:
        match = VILLAGE_CODE_RE.match(code)
        if match:
            serials.add(int(match.group(2)))
    return serials


def free_serials(*, session: Session, village_number: int, count: int) -> list[int]:
    """The ``count`` lowest serials of the village that no bin carries and nobody was issued
    (fewer when the village has run out)."""
    taken = _taken_serials(session, village_number)
    found: list[int] = []
    for serial in range(1, MAX_SERIAL + 1):
        if serial not in taken:
            found.append(serial)
            if len(found) == count:
                break
    return found


def reserve_codes(
    *,
    session: Session,
    village: Village,
    serials: Sequence[int],
    issued_by_id: int | None,
    issued_at: datetime | None = None,
) -> list[IssuedCode]:
    """Insert the issued codes of ``serials`` for ``village`` (flushed, not committed)."""
    at = issued_at or utc_now()
    rows = [
        IssuedCode(
            code=village_code(village.number, serial),
            village_id=village.id or 0,
            issued_by_id=issued_by_id,
            issued_at=at,
        )
        for serial in serials
    ]
    session.add_all(rows)
    session.flush()
    return rows


def get_issued_code(*, session: Session, code: str) -> IssuedCode | None:
    return session.exec(select(IssuedCode).where(IssuedCode.code == code)).first()


def mark_code_used(*, session: Session, code: str, bin_id: int) -> None:
    """A new bin was registered under ``code``: an issued, unused code becomes used (one Core
    UPDATE in the caller's transaction; nothing happens for a code that was never issued)."""
    session.execute(_MARK_USED, {"i_code": code, "i_used_at": utc_now(), "i_bin_id": bin_id})


def bins_of_village(*, session: Session, village_id: int) -> list[Bin]:
    """The bins registered in a village, by code."""
    query = select(Bin).where(Bin.village_id == village_id).order_by(col(Bin.code))
    return list(session.exec(query))


def issued_codes_of(*, session: Session, village_id: int) -> list[IssuedCode]:
    """Every code issued for a village, by code."""
    query = (
        select(IssuedCode).where(IssuedCode.village_id == village_id).order_by(col(IssuedCode.code))
    )
    return list(session.exec(query))
