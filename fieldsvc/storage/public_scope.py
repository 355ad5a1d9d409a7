"""What the public pages of one subdistrict read: the install's subdistricts and the codes of
its bins (the ``subdistrict_id`` each row carries)."""

from __future__ import annotations

from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from fieldsvc.models import Bin, Subdistrict


def all_subdistricts(*, session: Session) -> list[Subdistrict]:
    """Every subdistrict of the install, by code (boundaries read on first use)."""
    query = (
        select(Subdistrict)
        .options(defer(Subdistrict.boundary))  # type: ignore[arg-type]
        .order_by(col(Subdistrict.code))
    )
    return list(session.exec(query))


def bin_codes_of_subdistrict(*, session: Session, subdistrict_id: int) -> set[str]:
    """The codes of the subdistrict's bins."""
    query = select(Bin.code).where(Bin.subdistrict_id == subdistrict_id)
    return {str(code) for code in session.exec(query)}


def villages_of_subdistrict_bins(*, session: Session, subdistrict_id: int) -> set[int | None]:
    """The villages the subdistrict's bins lie in (None for a bin outside every village)."""
    query = select(Bin.village_id).where(Bin.subdistrict_id == subdistrict_id).distinct()
    return {None if v is None else int(v) for v in session.exec(query)}
