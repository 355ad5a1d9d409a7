"""Partner apps' Open311 API keys: made (shown once), listed and revoked by the office."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from fieldsvc.errors import Conflict, InvalidInput, NotFound
from fieldsvc.models import Open311Key
from fieldsvc.storage.open311_keys import add_key, key_by_name, list_keys, revoke_key
from fieldsvc.storage.tenancy import subdistrict_by_code


def add_partner_key(
    *, session: Session, name: str, subdistrict_code: str | None = None
) -> tuple[Open311Key, str]:
    """A new key for the partner ``name`` and the key itself (printed once, never stored).
    With ``subdistrict_code`` the key sends reports located in that subdistrict only (an
    unknown code is 404 ``subdistrict_code_unknown``); without, any subdistrict's."""
    cleaned = name.strip()
    if not cleaned:
        raise InvalidInput.of("open311_field_missing", field="name", name="name")
    subdistrict_id = None
    if subdistrict_code:
        subdistrict_id = subdistrict_by_code(session=session, code=subdistrict_code.strip()).id
    if key_by_name(session=session, name=cleaned) is not None:
        raise Conflict.of("open311_key_name_taken", field="name", name=cleaned)
    return add_key(session=session, name=cleaned, subdistrict_id=subdistrict_id)


def partner_keys(*, session: Session) -> Sequence[Open311Key]:
    return list_keys(session=session)


def revoke_partner_key(*, session: Session, name: str) -> Open311Key:
    """The partner's key stops working at once (its reports keep the partner's name)."""
    record = key_by_name(session=session, name=name.strip())
    if record is None:
        raise NotFound.of("open311_key_unknown", field="name", name=name)
    return revoke_key(session=session, record=record)
