"""Field users as the office manages them: by village number (หมู่ที่), not database ids.

Use cases over ``fieldsvc.storage.users`` for the CLI, the demo (and later the admin pages).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from fieldsvc.errors import InvalidInput, NotFound
from fieldsvc.models import Role, Subdistrict, User, UserSubdistrict, UserVillage, Village
from fieldsvc.models.types import utc_now
from fieldsvc.storage.register import get_village_by_number, only_subdistrict
from fieldsvc.storage.tenancy import set_user_subdistricts, subdistrict_by_code, subdistrict_count
from fieldsvc.storage.users import create_user, get_user, revoke_user, rotate_token

_USERNAME = re.compile(r"[^\s/#?%]{1,80}")  # it may appear in URLs and logs: no spaces


@dataclass(frozen=True)
class FieldUserRow:
    """One user for a list: no phone number or token (personal data and secrets stay out)."""

    username: str
    display_name: str
    role: Role
    village_numbers: list[int]
    active: bool
    token_created_at: datetime | None
    #: The codes of the subdistricts the user works for; None: every subdistrict.
    subdistrict_codes: list[str] | None = None


def village_ids_for_numbers(
    *, session: Session, numbers: Sequence[int], subdistrict: Subdistrict | None = None
) -> list[int]:
    """The ids of villages หมู่ที่ ``numbers`` in ``subdistrict`` (default: the office's
    subdistrict when the install holds one).

    Raises
    ------
    NotFound
        Naming the first number with no village.
    """
    subdistrict = subdistrict or only_subdistrict(session=session)
    ids: list[int] = []
    for number in dict.fromkeys(numbers):
        village = get_village_by_number(
            session=session, number=number, subdistrict_id=subdistrict.id if subdistrict else None
        )
        if village is None or village.id is None:
            numbers_query = select(Village.number)
            if subdistrict is not None:
                numbers_query = numbers_query.where(Village.subdistrict_id == subdistrict.id)
            known = sorted(set(session.exec(numbers_query).all()))
            details = {"value": number, "known": known}
            if not known:
                raise NotFound.of(
                    "village_number_not_found_none_known",
                    field="village",
                    details=details,
                    number=number,
                )
            raise NotFound.of(
                "village_number_not_found",
                field="village",
                details=details,
                number=number,
                known=", ".join(map(str, known)),
            )
        ids.append(village.id)
    return ids


def add_field_user(
    *,
    session: Session,
    username: str,
    display_name: str,
    role: Role,
    village_numbers: Sequence[int] = (),
    phone: str | None = None,
    expires_days: float | None = None,
    subdistrict_codes: Sequence[str] = (),
    all_subdistricts: bool = False,
) -> tuple[User, str]:
    """Create a user linked to villages by number; returns the user and its new token, which
    stops working after ``expires_days`` (None: never).

    In an install of several subdistricts every user says which ones they work for:
    ``subdistrict_codes`` (a village head: exactly one, whose village numbers ``village_numbers``
    are), or ``all_subdistricts`` for a provincial officer (not a village head). With one
    subdistrict or none, the codes may be left out.

    Raises
    ------
    InvalidInput
        ``subdistrict_required`` when the install holds several and none was named.
    NotFound
        ``subdistrict_code_unknown`` for a code not in the install.
    """
    if not _USERNAME.fullmatch(username):
        raise InvalidInput.of(
            "username_invalid", field="username", details={"value": username}, username=username
        )
    if not display_name.strip():
        raise InvalidInput.of("name_empty", field="name", details={"value": ""})
    subdistricts = [
        subdistrict_by_code(session=session, code=code) for code in dict.fromkeys(subdistrict_codes)
    ]
    count = subdistrict_count(session=session)
    wide = all_subdistricts and role != Role.village_head
    if count > 1 and not subdistricts and not wide:
        raise InvalidInput.of("subdistrict_required", field="subdistrict", count=count)
    if role == Role.village_head and len(subdistricts) > 1:
        raise InvalidInput.of("subdistrict_required", field="subdistrict", count=count)
    village_ids = village_ids_for_numbers(
        session=session,
        numbers=village_numbers,
        subdistrict=subdistricts[0] if subdistricts else None,
    )
    user, token = create_user(
        session=session,
        username=username,
        display_name=display_name.strip(),
        role=role,
        village_ids=village_ids,
        phone=phone,
        token_expires_at=token_expiry(expires_days),
    )
    if role != Role.village_head and not wide:
        set_user_subdistricts(
            session=session, user=user, subdistrict_ids=[s.id or 0 for s in subdistricts]
        )
    return user, token


def list_field_users(*, session: Session) -> list[FieldUserRow]:
    """Every user with their village numbers, by username."""
    links = session.exec(
        select(UserVillage.user_id, Village.number)
        .join(Village, col(Village.id) == col(UserVillage.village_id))
        .order_by(col(Village.number))
    ).all()
    numbers: dict[int, list[int]] = {}
    for user_id, number in links:
        numbers.setdefault(user_id, []).append(number)
    codes = _subdistrict_codes_by_user(session)
    return [
        FieldUserRow(
            username=user.username,
            display_name=user.display_name,
            role=Role(user.role),
            village_numbers=numbers.get(user.id or 0, []),
            active=user.revoked_at is None and user.token_hash is not None,
            token_created_at=user.token_created_at,
            subdistrict_codes=(
                codes.get(user.id or 0, [])
                if user.role == Role.village_head
                else codes.get(user.id or 0)
            ),
        )
        for user in session.exec(select(User).order_by(col(User.username))).all()
    ]


def _subdistrict_codes_by_user(session: Session) -> dict[int, list[str]]:
    """User id → the codes of their subdistricts: the listed ones of staff, viewers and
    admins (a user missing here works for every subdistrict), those of a village head's
    villages."""
    listed = session.exec(
        select(UserSubdistrict.user_id, Subdistrict.code).join(
            Subdistrict, col(Subdistrict.id) == col(UserSubdistrict.subdistrict_id)
        )
    ).all()
    of_villages = session.exec(
        select(UserVillage.user_id, Subdistrict.code)
        .join(Village, col(Village.id) == col(UserVillage.village_id))
        .join(Subdistrict, col(Subdistrict.id) == col(Village.subdistrict_id))
        .join(User, col(User.id) == col(UserVillage.user_id))
        .where(User.role == Role.village_head)
    ).all()
    codes: dict[int, set[str]] = {}
    for user_id, code in [*listed, *of_villages]:
        codes.setdefault(user_id, set()).add(code)
    return {user_id: sorted(found) for user_id, found in codes.items()}


def scope_field_user(
    *,
    session: Session,
    username: str,
    subdistrict_codes: Sequence[str] = (),
    all_subdistricts: bool = False,
) -> tuple[User, list[Subdistrict] | None]:
    """Change the subdistricts health staff, a viewer or an admin works for: the subdistricts
    ``subdistrict_codes``, or every one (``all_subdistricts``: a provincial officer). Returns
    the user and their subdistricts (None: every one).

    The user's signed-in browsers and token keep working: each request reads the user's
    subdistricts afresh, so the change holds from their next request (a page open on a
    subdistrict no longer theirs answers 404 / falls back to their first one).

    Raises
    ------
    NotFound
        When there is no such user, or ``subdistrict_code_unknown`` for a code not in the
        install.
    InvalidInput
        ``scope_of_village_head`` for a village head (their villages decide);
        ``subdistrict_required`` when neither codes nor ``all_subdistricts`` were given.
    """
    user = get_user(session=session, username=username)
    if user.role == Role.village_head:
        raise InvalidInput.of("scope_of_village_head", field="username")
    subdistricts = [
        subdistrict_by_code(session=session, code=code.strip())
        for code in dict.fromkeys(subdistrict_codes)
    ]
    if all_subdistricts == bool(subdistricts):
        count = subdistrict_count(session=session)
        raise InvalidInput.of("subdistrict_required", field="subdistrict", count=count)
    set_user_subdistricts(
        session=session, user=user, subdistrict_ids=[s.id or 0 for s in subdistricts]
    )
    return user, (sorted(subdistricts, key=lambda s: s.code) if subdistricts else None)


def token_expiry(expires_days: float | None) -> datetime | None:
    """When a token issued now for ``expires_days`` stops working (None: never).

    Raises
    ------
    InvalidInput
        For a number of days that is not positive.
    """
    if expires_days is None:
        return None
    if not expires_days > 0:
        raise InvalidInput.of(
            "expires_days_invalid",
            field="expires_days",
            details={"value": expires_days},
            value=expires_days,
        )
    return utc_now() + timedelta(days=expires_days)


def rotate_field_user_token(
    *, session: Session, username: str, expires_days: float | None = None
) -> tuple[User, str]:
    """Issue ``username`` a new token (the old one, and the browsers signed in with it, stop
    working); returns the user and token, which stops working after ``expires_days``.

    Raises
    ------
    NotFound
        When there is no such user.
    """
    user = get_user(session=session, username=username)
    expires_at = token_expiry(expires_days)
    return user, rotate_token(session=session, user=user, token_expires_at=expires_at)


def revoke_field_user(*, session: Session, username: str) -> User:
    """Revoke ``username``'s token and signed-in browsers at once; a new token is issued with
    a token rotation."""
    user = get_user(session=session, username=username)
    revoke_user(session=session, user=user)
    return user


def issue_user_token(
    *,
    session: Session,
    username: str,
    display_name: str,
    role: Role,
    village_number: int | None = None,
) -> str:
    """A fresh token for ``username``, creating the user when missing (only the hash is stored).

    An existing user keeps its name, role and villages; a new one is linked to village
    ``village_number`` when that village exists.
    """
    try:
        return rotate_token(session=session, user=get_user(session=session, username=username))
    except NotFound:
        village = (
            get_village_by_number(session=session, number=village_number)
            if village_number is not None
            else None
        )
        villages = [village.id] if village is not None and village.id is not None else []
        _, token = create_user(
            session=session,
            username=username,
            display_name=display_name,
            role=role,
            village_ids=villages,
        )
        return token
