"""Server-side sign-in sessions: a browser signs in with a token once and then holds only a
random session id (its SHA-256 is stored), which log-out and revoking the user end at once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from fieldsvc.models import SignInSession, User

#: ``last_seen_at`` is written at most this often: a page load is not a database write.
TOUCH_EVERY = timedelta(minutes=1)


def hash_session_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def csrf_token_for(session_id: str) -> str:
    """The session's CSRF token: derived from the secret id (so checking it needs no query),
    and not the stored hash (so a copy of the database does not give it away)."""
    return hashlib.sha256(b"csrf:" + session_id.encode("utf-8")).hexdigest()


def create_signin_session(*, session: Session, user: User, now: datetime) -> str:
    """Open a session for ``user``; returns its id (the only time it is visible)."""
    session_id = secrets.token_urlsafe(32)
    session.add(
        SignInSession(
            session_hash=hash_session_id(session_id),
            user_id=user.id or 0,
            created_at=now,
            last_seen_at=now,
        )
    )
    session.flush()
    return session_id


_SESSION_BY_HASH = (
    select(SignInSession, User)
    .join(User, col(User.id) == col(SignInSession.user_id))
    .where(SignInSession.session_hash == bindparam("session_hash"))
)


def live_signin_session(
    *, session: Session, session_id: str, now: datetime, idle: timedelta, lifetime: timedelta
) -> tuple[SignInSession, User] | None:
    """The open session ``session_id`` and its user, or None when it is unknown, ended,
    unused for ``idle``, older than ``lifetime``, or its user was revoked."""
    if not session_id:
        return None
    found = session.exec(_SESSION_BY_HASH, params={"session_hash": hash_session_id(session_id)})
    row = found.first()
    if row is None:
        return None
    signin, user = row
    if (
        signin.revoked_at is not None
        or user.revoked_at is not None
        or now - signin.last_seen_at >= idle
        or now - signin.created_at >= lifetime
    ):
        return None
    return signin, user


def touch_signin_session(*, session: Session, signin: SignInSession, now: datetime) -> bool:
    """Move ``last_seen_at`` to ``now`` when it is older than ``TOUCH_EVERY``; True if written."""
    if now - signin.last_seen_at < TOUCH_EVERY:
        return False
    signin.last_seen_at = now
    session.add(signin)
    session.flush()
    return True


def end_signin_session(*, session: Session, session_id: str, now: datetime) -> None:
    """End one session (log-out); an unknown id is no error."""
    session.execute(
        update(SignInSession)
        .where(col(SignInSession.session_hash) == hash_session_id(session_id))
        .where(col(SignInSession.revoked_at).is_(None))
        .values(revoked_at=now)
    )


def end_user_signin_sessions(*, session: Session, user_id: int, now: datetime) -> None:
    """End every open session of one user (revoked, or given a new token)."""
    session.execute(
        update(SignInSession)
        .where(col(SignInSession.user_id) == user_id)
        .where(col(SignInSession.revoked_at).is_(None))
        .values(revoked_at=now)
    )
