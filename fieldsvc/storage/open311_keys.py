"""Open311 partner keys: made, found by the key a partner sends, listed and revoked.

A key is random and shown once; only its SHA-256 is stored (as users' tokens are).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlmodel import Session, col, select

from fieldsvc.models import Open311Key, Subdistrict
from fieldsvc.models.types import utc_now
from fieldsvc.storage.users import hash_token


def add_key(
    *, session: Session, name: str, subdistrict_id: int | None = None
) -> tuple[Open311Key, str]:
    """A new partner key named ``name`` (sending only subdistrict ``subdistrict_id``'s
    reports when given), flushed; returned with the key itself (its only appearance)."""
    key = secrets.token_urlsafe(32)
    record = Open311Key(name=name, key_hash=hash_token(key), subdistrict_id=subdistrict_id)
    session.add(record)
    session.flush()
    return record, key


def key_by_name(*, session: Session, name: str) -> Open311Key | None:
    return session.exec(select(Open311Key).where(Open311Key.name == name)).first()


def active_key(*, session: Session, key: str) -> Open311Key | None:
    """The partner key ``key`` is, unless it was revoked."""
    if not key:
        return None
    found = session.exec(select(Open311Key).where(Open311Key.key_hash == hash_token(key))).first()
    return found if found is not None and found.revoked_at is None else None


def list_keys(*, session: Session) -> Sequence[Open311Key]:
    return session.exec(select(Open311Key).order_by(col(Open311Key.name))).all()


def revoke_key(*, session: Session, record: Open311Key) -> Open311Key:
    """The key stops working at once; flushed."""
    record.revoked_at = utc_now()
    session.add(record)
    session.flush()
    return record


def subdistrict_codes(*, session: Session) -> dict[str, int]:
    """Every subdistrict of the install: DOPA code → id (Open311's ``jurisdiction_id``)."""
    rows = session.exec(select(Subdistrict.code, Subdistrict.id))
    return {code: int(i) for code, i in rows if i is not None}
