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
from fieldsvc.models import Role, User, UserVillage, Village
from fieldsvc.models.types import utc_now
from fieldsvc.storage.register import get_village_by_number, only_subdistrict
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


def village_ids_for_numbers(*, session: Session, numbers: Sequence[int]) -> list[int]:
    """The ids of villages หมู่ที่ ``numbers`` (in the office's subdistrict when there is one).

    Raises
    ------
    NotFound
        Naming the first number with no village.
    """
    subdistrict = only_subdistrict(session=session)
    ids: list[int] = []
    for number in dict.fromkeys(numbers):
        village = get_village_by_number(
            session=session, number=number, subdistrict_id=subdistrict.id if subdistrict else None
        )
        if village is None or village.id is None:
            known = sorted(set(session.exec(select(Village.number)).all()))
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
) -> tuple[User, str]:
    """Create a user linked to villages by number; returns the user and its new token, which
    stops working after ``expires_days`` (None: never)."""
    if not _USERNAME.fullmatch(username):
        raise InvalidInput.of(
            "username_invalid", field="username", details={"value": username}, username=username
        )
    if not display_name.strip():
        raise InvalidInput.of("name_empty", field="name", details={"value": ""})
    village_ids = village_ids_for_numbers(session=session, numbers=village_numbers)
    return create_user(
        session=session,
        username=username,
        display_name=display_name.strip(),
        role=role,
        village_ids=village_ids,
        phone=phone,
        token_expires_at=token_expiry(expires_days),
    )


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
    return [
        FieldUserRow(
            username=user.username,
            display_name=user.display_name,
            role=Role(user.role),
            village_numbers=numbers.get(user.id or 0, []),
            active=user.revoked_at is None and user.token_hash is not None,
            token_created_at=user.token_created_at,
        )
        for user in session.exec(select(User).order_by(col(User.username))).all()
    ]


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
