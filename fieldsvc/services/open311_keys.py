"""Partner apps' Open311 API keys: made (shown once), listed and revoked by the office."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from fieldsvc.errors import Conflict, InvalidInput, NotFound
from fieldsvc.models import Open311Key
from fieldsvc.storage.open311_keys import add_key, key_by_name, list_keys, revoke_key


def add_partner_key(*, session: Session, name: str) -> tuple[Open311Key, str]:
    """A new key for the partner ``name`` and the key itself (printed once, never stored)."""
    cleaned = name.strip()
    if not cleaned:
        raise InvalidInput.of("open311_field_missing", field="name", name="name")
    if key_by_name(session=session, name=cleaned) is not None:
        raise Conflict.of("open311_key_name_taken", field="name", name=cleaned)
    return add_key(session=session, name=cleaned)


def partner_keys(*, session: Session) -> Sequence[Open311Key]:
    return list_keys(session=session)


def revoke_partner_key(*, session: Session, name: str) -> Open311Key:
    """The partner's key stops working at once (its reports keep the partner's name)."""
    record = key_by_name(session=session, name=name.strip())
    if record is None:
        raise NotFound.of("open311_key_unknown", field="name", name=name)
    return revoke_key(session=session, record=record)
