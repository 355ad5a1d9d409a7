"""The villages a phone of a user works in, in an install of one or many subdistricts.

Village numbers repeat across subdistricts, so a phone's lists (villages.csv, the bins entity
list, the web form's villages, bins and base map) are given as village ids: a village head's own
villages; a staff member's, viewer's or admin's subdistricts' villages; every village for a user
of every subdistrict (a single-office install, a provincial officer).
"""

from __future__ import annotations

from sqlmodel import Session

from fieldsvc.models import User
from fieldsvc.storage.tenancy import subdistrict_ids_of, village_ids_in
from fieldsvc.storage.users import village_ids_of


def phone_village_ids(
    *, session: Session, user: User, subdistrict_id: int | None = None
) -> list[int] | None:
    """The villages whose lists a phone of ``user`` gets: a village head's own villages; else
    those of subdistrict ``subdistrict_id`` (the request's workplace) when given, else those of
    the subdistricts the user works for; None (every village) for a user of every subdistrict."""
    heads = village_ids_of(session=session, user=user)
    if heads is not None:
        return heads
    if subdistrict_id is not None:
        return village_ids_in(session=session, subdistrict_ids=[subdistrict_id])
    mine = subdistrict_ids_of(session=session, user=user)
    return None if mine is None else village_ids_in(session=session, subdistrict_ids=mine)
