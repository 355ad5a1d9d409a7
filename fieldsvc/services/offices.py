"""The office a document or page speaks for: a subdistrict's own office (its ``office_name``,
e.g. องค์การบริหารส่วนตำบลโนนสูง) when it has one, else the install's (FIELDSVC_OFFICE_NAME).

Reports and pages read the office from a ``Settings``: :func:`office_settings` gives them the
install's settings with the subdistrict's office names put in, so each document about one
subdistrict carries that subdistrict's office and the signatory (``นายก`` + office) with it.
"""

from __future__ import annotations

from sqlalchemy.orm import defer
from sqlmodel import Session, select

from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput
from fieldsvc.models import Subdistrict, User
from fieldsvc.reports.plan_tables import is_sample_office
from fieldsvc.storage.tenancy import subdistrict_by_code, subdistrict_count, subdistrict_ids_of

#: The longest office name the ``subdistrict`` table holds.
OFFICE_NAME_MAX = 200


def office_settings(settings: Settings, subdistrict: Subdistrict | None) -> Settings:
    """``settings`` naming the office of ``subdistrict`` (its own names where set)."""
    if subdistrict is None:
        return settings
    own = {
        "office_name": subdistrict.office_name,
        "office_name_en": subdistrict.office_name_en,
    }
    update: dict[str, object] = {key: value for key, value in own.items() if value}
    if update and is_sample_office(settings):
        # the sample install's subdistricts stay marked synthetic under their own names
        update["mark_documents_synthetic"] = True
    return settings.model_copy(update=update) if update else settings


def office_settings_for(
    *, session: Session, settings: Settings, subdistrict_id: int | None
) -> Settings:
    """:func:`office_settings` of subdistrict ``subdistrict_id``; None: of the install's only
    subdistrict (a single-office install), else the install's own settings."""
    query = select(Subdistrict).options(defer(Subdistrict.boundary))  # type: ignore[arg-type]
    if subdistrict_id is not None:
        return office_settings(
            settings, session.exec(query.where(Subdistrict.id == subdistrict_id)).first()
        )
    rows = session.exec(query.limit(2)).all()
    return office_settings(settings, rows[0] if len(rows) == 1 else None)


def phone_project_name(*, session: Session, settings: Settings, user: User) -> str:
    """The project name a user's phone shows (ODK Collect's settings QR): the office of the
    subdistrict they work for; in an install of several, with that subdistrict's name unless
    it has an office name of its own. A user of several subdistricts (or every one): the
    install's office."""
    ids = subdistrict_ids_of(session=session, user=user)
    if ids is None or len(ids) != 1:
        return settings.office_name
    subdistrict = session.get(Subdistrict, ids[0])
    if subdistrict is None:
        return settings.office_name
    if subdistrict.office_name:
        return subdistrict.office_name
    if subdistrict_count(session=session) > 1:
        return f"{settings.office_name} · {subdistrict.name}"
    return settings.office_name


def _name(value: str | None, field: str) -> str | None:
    text = " ".join((value or "").split())
    if len(text) > OFFICE_NAME_MAX:
        raise InvalidInput.of(
            "office_name_too_long", field=field, which=field, limit=OFFICE_NAME_MAX
        )
    return text or None


def set_office_name(
    *, session: Session, code: str, office_name: str | None, office_name_en: str | None = None
) -> Subdistrict:
    """Give subdistrict ``code`` its own office names (empty: the install's again); commits.

    Raises
    ------
    NotFound
        ``subdistrict_code_unknown`` naming the code.
    InvalidInput
        ``office_name_too_long`` naming the field.
    """
    subdistrict = subdistrict_by_code(session=session, code=code.strip())
    subdistrict.office_name = _name(office_name, "office_name")
    subdistrict.office_name_en = _name(office_name_en, "office_name_en")
    session.add(subdistrict)
    session.commit()
    session.refresh(subdistrict)
    return subdistrict
