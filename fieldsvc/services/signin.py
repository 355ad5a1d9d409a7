"""Signing a browser in and out: a token is exchanged once for a server-side session.

The token (a link from the office) is a long-lived secret; the browser keeps only a session id
that expires when left unused (``session_idle_hours``) and in any case after
``session_max_days``, and that log-out or revoking the user ends at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from fieldsvc.config import Settings
from fieldsvc.models import User
from fieldsvc.models.types import utc_now
from fieldsvc.storage.signin_sessions import (
    create_signin_session,
    csrf_token_for,
    end_signin_session,
    live_signin_session,
    touch_signin_session,
)
from fieldsvc.storage.users import user_for_token


@dataclass(frozen=True)
class SignedIn:
    """A new session: its id goes into an HttpOnly cookie, the CSRF token into the forms."""

    user: User
    session_id: str
    csrf_token: str


def sign_in_with_token(
    *, session: Session, token: str, now: datetime | None = None
) -> SignedIn | None:
    """Open a session for the holder of ``token``; None for an unknown or revoked token.

    Raises
    ------
    Unauthorized
        ``token_expired`` for a token past its expiry.
    """
    now = now or utc_now()
    user = user_for_token(session=session, token=token.strip(), now=now)
    if user is None:
        return None
    session_id = create_signin_session(session=session, user=user, now=now)
    session.commit()
    return SignedIn(user=user, session_id=session_id, csrf_token=csrf_token_for(session_id))


def session_limits(settings: Settings) -> tuple[timedelta, timedelta]:
    """(idle, absolute) lifetime of a session under ``settings``."""
    return timedelta(hours=settings.session_idle_hours), timedelta(days=settings.session_max_days)


def user_of_signin_session(
    *, session: Session, settings: Settings, session_id: str, now: datetime | None = None
) -> User | None:
    """The user of a live session (its last use moved to ``now``), or None."""
    now = now or utc_now()
    idle, lifetime = session_limits(settings)
    found = live_signin_session(
        session=session, session_id=session_id, now=now, idle=idle, lifetime=lifetime
    )
    if found is None:
        return None
    signin, user = found
    if touch_signin_session(session=session, signin=signin, now=now):
        session.commit()
    return user


def sign_out(*, session: Session, session_id: str, now: datetime | None = None) -> None:
    """End the session ``session_id`` (nothing happens for an unknown one)."""
    end_signin_session(session=session, session_id=session_id, now=now or utc_now())
    session.commit()
