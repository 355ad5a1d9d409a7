"""Many subdistricts in one install: the subdistricts a user works for, and the subdistrict a
new row belongs to.

A village head works for the subdistricts of their villages. Health staff, viewers and admins
work for the subdistricts listed for them (``user_subdistrict``); a user with none listed works
for every subdistrict of the install — the single-office install, and a provincial officer.
When a second subdistrict joins an install, the users who worked for "every subdistrict" are
first pinned to the ones already here (``pin_unscoped_users``), so nobody starts seeing a
neighbour's data because it was imported.
"""

from __future__ import annotations

from collections.abc import Sequence

import shapely
from sqlalchemy.orm import defer
from sqlmodel import Session, col, func, select

from fieldsvc.errors import Forbidden, InvalidInput, NotFound
from fieldsvc.models import Role, Subdistrict, User, UserSubdistrict, UserVillage, Village


def subdistrict_ids_of(*, session: Session, user: User) -> list[int] | None:
    """Ids of the subdistricts ``user`` works for, ascending; None: every subdistrict."""
    if user.role == Role.village_head:
        query = (
            select(Village.subdistrict_id)
            .join(UserVillage, col(UserVillage.village_id) == col(Village.id))
            .where(UserVillage.user_id == user.id)
            .distinct()
        )
        return sorted(int(i) for i in session.exec(query))
    listed = session.exec(
        select(UserSubdistrict.subdistrict_id).where(UserSubdistrict.user_id == user.id)
    ).all()
    return sorted(int(i) for i in listed) if listed else None


def subdistricts_for(*, session: Session, user: User) -> list[Subdistrict]:
    """The subdistricts ``user`` works for, by code (every one for an unscoped user); the
    boundaries are not read (loaded on first use)."""
    ids = subdistrict_ids_of(session=session, user=user)
    query = (
        select(Subdistrict)
        .options(defer(Subdistrict.boundary))  # type: ignore[arg-type]
        .order_by(col(Subdistrict.code))
    )
    if ids is not None:
        query = query.where(col(Subdistrict.id).in_(ids))
    return list(session.exec(query))


def subdistrict_by_code(*, session: Session, code: str) -> Subdistrict:
    """The subdistrict with DOPA code ``code``.

    Raises
    ------
    NotFound
        ``subdistrict_code_unknown`` naming the code.
    """
    found = session.exec(select(Subdistrict).where(Subdistrict.code == code)).first()
    if found is None:
        raise NotFound.of("subdistrict_code_unknown", field="subdistrict", value=code)
    return found


def require_subdistrict_of_user(
    *, session: Session, user: User, subdistrict: Subdistrict
) -> Subdistrict:
    """``subdistrict`` if ``user`` works for it.

    Raises
    ------
    Forbidden
        ``subdistrict_not_yours`` naming the code.
    """
    ids = subdistrict_ids_of(session=session, user=user)
    if ids is not None and subdistrict.id not in ids:
        raise Forbidden.of("subdistrict_not_yours", field="subdistrict", value=subdistrict.code)
    return subdistrict


def subdistrict_count(*, session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Subdistrict)).one())


def village_ids_in(*, session: Session, subdistrict_ids: Sequence[int]) -> list[int]:
    """Ids of the villages of these subdistricts, ascending."""
    query = select(Village.id).where(col(Village.subdistrict_id).in_(list(subdistrict_ids)))
    return sorted(int(i) for i in session.exec(query) if i is not None)


def village_numbers(*, session: Session, village_ids: Sequence[int]) -> dict[int, int]:
    """Village id → its number (หมู่ที่), of these villages."""
    query = select(Village.id, Village.number).where(col(Village.id).in_(list(village_ids)))
    return {int(i): int(n) for i, n in session.exec(query) if i is not None}


def subdistrict_at_point(*, session: Session, lon: float, lat: float) -> int | None:
    """The id of the subdistrict whose boundary holds (lon, lat), lowest id first; None if none."""
    point = shapely.Point(lon, lat)
    rows = session.exec(
        select(Subdistrict.id, Subdistrict.boundary)
        .where(col(Subdistrict.boundary).is_not(None))
        .order_by(col(Subdistrict.id))
    )
    for subdistrict_id, boundary in rows:
        if (
            subdistrict_id is not None
            and boundary is not None
            and shapely.intersects(boundary, point)
        ):
            return int(subdistrict_id)
    return None


def subdistrict_for_row(
    *,
    session: Session,
    village_id: int | None,
    lon: float | None = None,
    lat: float | None = None,
    user: User | None = None,
) -> int | None:
    """The subdistrict a new survey, bin, report or ticket belongs to: its village's; else the
    one subdistrict its sender works for; else the one whose boundary holds its point; else the
    install's only subdistrict. None when none of these answers (an install of several
    subdistricts and a point outside all of them: only users of every subdistrict see it)."""
    if village_id is not None:
        village = session.get(Village, village_id)
        if village is not None:
            return village.subdistrict_id
    if user is not None:
        ids = subdistrict_ids_of(session=session, user=user)
        if ids is not None and len(ids) == 1:
            return ids[0]
    if lon is not None and lat is not None:
        found = subdistrict_at_point(session=session, lon=lon, lat=lat)
        if found is not None:
            return found
    rows = session.exec(select(Subdistrict.id).limit(2)).all()
    return int(rows[0]) if len(rows) == 1 and rows[0] is not None else None


def set_user_subdistricts(*, session: Session, user: User, subdistrict_ids: Sequence[int]) -> None:
    """Replace the subdistricts ``user`` works for (empty: every subdistrict)."""
    for row in session.exec(select(UserSubdistrict).where(UserSubdistrict.user_id == user.id)):
        session.delete(row)
    session.flush()
    for subdistrict_id in sorted(set(subdistrict_ids)):
        if session.get(Subdistrict, subdistrict_id) is None:
            raise NotFound.of("subdistrict_code_unknown", field="subdistrict", value=subdistrict_id)
        session.add(UserSubdistrict(user_id=user.id or 0, subdistrict_id=subdistrict_id))
    session.flush()


def check_villages_in_subdistricts(
    *, session: Session, village_ids: Sequence[int], subdistrict_ids: Sequence[int]
) -> None:
    """Raise ``villages_of_other_subdistrict`` unless every village is in those subdistricts."""
    if not village_ids or not subdistrict_ids:
        return
    inside = set(village_ids_in(session=session, subdistrict_ids=subdistrict_ids))
    if not set(village_ids) <= inside:
        raise InvalidInput.of("villages_of_other_subdistrict", field="villages")


def pin_unscoped_users(*, session: Session) -> int:
    """Before a second subdistrict joins a single-office install: every staff member, viewer
    and admin who worked for "every subdistrict" is pinned to the one already here (returns
    how many users were pinned). An install that already serves several subdistricts keeps its
    unscoped users as they are: there they are provincial officers on purpose."""
    here = [int(i) for i in session.exec(select(Subdistrict.id)) if i is not None]
    if len(here) != 1:
        return 0
    scoped = select(UserSubdistrict.user_id)
    unscoped = session.exec(
        select(User).where(User.role != Role.village_head, col(User.id).not_in(scoped))
    ).all()
    for user in unscoped:
        for subdistrict_id in here:
            session.add(UserSubdistrict(user_id=user.id or 0, subdistrict_id=subdistrict_id))
    session.flush()
    return len(unscoped)
