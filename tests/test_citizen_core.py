"""The shared core of residents' reports: numbering, re-sends, checks, public fields."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from fieldsvc.config import Settings
from fieldsvc.errors import InvalidInput, NotFound
from fieldsvc.models import CitizenReport, ReportKind
from fieldsvc.services.citizen_reports import (
    PUBLIC_FIELDS,
    ReportDraft,
    accept_report,
    find_report,
    public_fields,
)
from fieldsvc.storage.citizen_reports import open_reports_near, report_events


def _draft(**overrides: object) -> ReportDraft:
    values: dict[str, object] = {
        "kind": "bin_full",
        "lon": 100.5,
        "lat": 13.75,
        "description": "ถังเต็มล้นมาสองวัน",
        "contact_name": "สมศรี",
        "contact_phone": "0812345678",
    }
    values.update(overrides)
    return ReportDraft(**values)  # type: ignore[arg-type]


def test_reports_are_numbered_in_order_and_a_resend_is_one_report(session: Session) -> None:
    settings = Settings()
    first = accept_report(session=session, draft=_draft(draft_id="d-1"), settings=settings)
    second = accept_report(session=session, draft=_draft(draft_id="d-2"), settings=settings)
    again = accept_report(session=session, draft=_draft(draft_id="d-1"), settings=settings)
    year, serial = first.ticket.split("-")
    assert len(year) == 4 and serial == "00001"
    assert second.ticket == f"{year}-00002"
    assert again.id == first.id
    assert len(session.exec(select(CitizenReport)).all()) == 2
    assert [e.action for e in report_events(session=session, report_id=first.id or 0)] == [
        "created"
    ]
    assert first.visibility == "pending"
    assert first.access_key and first.access_key != second.access_key


def test_public_fields_never_carry_contact_details(session: Session) -> None:
    report = accept_report(session=session, draft=_draft(), settings=Settings())
    shown = public_fields(report)
    assert set(shown) == set(PUBLIC_FIELDS)
    assert "สมศรี" not in repr(shown) and "0812345678" not in repr(shown)
    assert report.contact_phone == "0812345678"


def test_unknown_kind_and_long_text_are_refused_naming_the_field(session: Session) -> None:
    with pytest.raises(InvalidInput) as bad_kind:
        accept_report(session=session, draft=_draft(kind="noise"), settings=Settings())
    assert bad_kind.value.field == "kind" and "bin_full" in str(bad_kind.value)
    with pytest.raises(InvalidInput) as too_long:
        accept_report(
            session=session,
            draft=_draft(description="ก" * 11),
            settings=Settings(citizen_max_text_chars=10),
        )
    assert too_long.value.field == "description"


def test_open_reports_near_a_point_are_found_nearest_first(session: Session) -> None:
    settings = Settings()
    near = accept_report(session=session, draft=_draft(lon=100.5001), settings=settings)
    accept_report(session=session, draft=_draft(lon=100.6), settings=settings)
    other_kind = accept_report(session=session, draft=_draft(kind="dumping"), settings=settings)
    found = open_reports_near(
        session=session, lon=100.5, lat=13.75, radius_m=100, kind=ReportKind.bin_full
    )
    assert [r.id for r, _ in found] == [near.id]
    assert 10 < found[0][1] < 12  # 0.0001° of longitude at 13.75° N is about 10.8 m
    assert other_kind.kind == ReportKind.dumping


def test_an_unknown_ticket_is_a_404_naming_it(session: Session) -> None:
    with pytest.raises(NotFound) as missing:
        find_report(session=session, ticket="2570-99999")
    assert "2570-99999" in str(missing.value) and missing.value.field == "ticket"
