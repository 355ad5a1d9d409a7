"""Users and their access tokens. Tokens are random, shown once, stored only as SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from fieldsvc.errors import InvalidInput, NotFound, Unauthorized
from fieldsvc.models import Role, User, UserVillage, Village
from fieldsvc.models.types import utc_now
from fieldsvc.storage.signin_sessions import end_user_signin_sessions


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    # 32 bytes of randomness, URL-safe: it travels inside the Collect server URL.
    return secrets.token_urlsafe(32)


def create_user(
    *,
    session: Session,
    username: str,
    display_name: str,
    role: Role,
    village_ids: Sequence[int] = (),
    phone: str | None = None,
    token_expires_at: datetime | None = None,
) -> tuple[User, str]:
    """Create a user and return it with its new token (the only time the token is visible);
    the token stops working at ``token_expires_at`` (None: never)."""
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise InvalidInput.of(
            "user_exists", field="username", details={"value": username}, username=username
        )
    if role == Role.village_head and not village_ids:
        raise InvalidInput.of("village_head_without_village", field="villages")
    token = new_token()
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        phone=phone,
        token_hash=hash_token(token),
        token_created_at=utc_now(),
        token_expires_at=token_expires_at,
    )
    session.add(user)
    session.flush()
    for village_id in village_ids:
        if session.get(Village, village_id) is None:
            raise NotFound.of("village_id_not_found", field="villages", village_id=village_id)
        session.add(UserVillage(user_id=user.id or 0, village_id=village_id))
    session.flush()
    return user, token


def rotate_token(*, session: Session, user: User, token_expires_at: datetime | None = None) -> str:
    """A new token for ``user``; the old one and the browsers signed in with it stop working."""
    token = new_token()
    now = utc_now()
    user.token_hash = hash_token(token)
    user.token_created_at = now
    user.token_expires_at = token_expires_at
    user.revoked_at = None
    session.add(user)
    session.flush()
    if user.id is not None:
        end_user_signin_sessions(session=session, user_id=user.id, now=now)
    return token


def revoke_user(*, session: Session, user: User) -> None:
    """The user's token and every browser signed in with it stop working at once."""
    now = utc_now()
    user.revoked_at = now
    user.token_hash = None
    session.add(user)
    session.flush()
    if user.id is not None:
        end_user_signin_sessions(session=session, user_id=user.id, now=now)


# Built once: every request looks its token up, and building the statement per call (the
# comparison, the bound literal, the cache key) cost more CPU than running it.
_USER_BY_TOKEN_HASH = select(User).where(User.token_hash == bindparam("token_hash"))


def user_for_token(*, session: Session, token: str, now: datetime | None = None) -> User | None:
    """The active user holding ``token``, or None.

    Raises
    ------
    Unauthorized
        ``token_expired`` when the token is right but past its expiry (the holder is told to
        ask the office for a new link, not that the link is wrong).
    """
    if not token:
        return None
    found = session.exec(_USER_BY_TOKEN_HASH, params={"token_hash": hash_token(token)})
    user = found.first()
    if user is None or user.revoked_at is not None:
        return None
    if user.token_expires_at is not None and (now or utc_now()) >= user.token_expires_at:
        raise Unauthorized.of("token_expired", field="token")
    return user


def village_ids_of(*, session: Session, user: User) -> list[int] | None:
    """The villages a user may see: a list for village heads, None (= all) for other roles."""
    if user.role != Role.village_head:
        return None
    return list(
        session.exec(
            select(UserVillage.village_id)
            .where(UserVillage.user_id == user.id)
            .order_by(col(UserVillage.village_id))
        )
    )


def get_user(*, session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound.of("user_not_found", field="username", username=username)
    return user


def active_users_with_roles(*, session: Session, roles: Sequence[Role]) -> list[User]:
    """Users of these roles whose token is not revoked, by display name."""
    query = (
        select(User)
        .where(col(User.role).in_([r.value for r in roles]), col(User.revoked_at).is_(None))
        .order_by(col(User.display_name))
    )
    return list(session.exec(query))
