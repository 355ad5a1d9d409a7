"""The "same bin reported twice" check uses the fix's accuracy: a new bin reported with a ±80 m
fix 72 m from a registered bin of its stream is likely that bin, and is held for staff."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from fieldsvc.config import Settings
from fieldsvc.ingest.checks import duplicate_radius_for
from fieldsvc.models import Bin
from tests.intake.conftest import Place, add_bin, bin_xml
from tests.intake.test_checks import THAI, _receive_xml

REGISTERED = (16.3051, 103.3051)
M_PER_DEG_LAT = 111_320  # metres per degree of latitude, for placing points north of the bin


def _north_of_registered(metres: float, accuracy_m: float) -> str:
    """An XForm geopoint ``metres`` north of the registered bin, with that accuracy."""
    return f"{REGISTERED[0] + metres / M_PER_DEG_LAT:.7f} {REGISTERED[1]} 150 {accuracy_m}"


def _codes(result: object) -> list[str]:
    return [f.code for f in result.flags]  # type: ignore[attr-defined]


def _bins(session: Session) -> set[str]:
    return {b.code for b in session.exec(select(Bin))}


@pytest.mark.parametrize(
    ("accuracy_m", "radius_m"), [(None, 5.0), (0.0, 5.0), (3.0, 5.0), (5.0, 5.0), (80.0, 80.0)]
)
def test_duplicate_radius_is_the_wider_of_five_metres_and_the_accuracy(
    accuracy_m: float | None, radius_m: float
) -> None:
    assert duplicate_radius_for(accuracy_m, duplicate_radius_m=5.0) == radius_m


def test_poor_fix_72_m_from_a_registered_bin_is_held_as_likely_the_same(
    session: Session, settings: Settings, place: Place
) -> None:
    add_bin(session, "NB-0007", *REGISTERED)
    result = _receive_xml(
        session, settings, place, bin_xml(code="01-0427", location=_north_of_registered(72, 80))
    )
    assert _codes(result) == ["poor_gps_accuracy", "likely_duplicate"]
    flag = result.flags[1]
    assert flag.severity == "reject"
    assert flag.details["existing_bin_code"] == "NB-0007"
    assert flag.details["distance_m"] == pytest.approx(72, abs=0.5)
    assert flag.details["accuracy_m"] == 80
    assert THAI.search(flag.message_th) and not THAI.search(flag.message_en)
    for shown in ("01-0427", "NB-0007", "80", f"{flag.details['distance_m']:.1f}"):
        assert shown in flag.message_th and shown in flag.message_en, shown
    assert "เกณฑ์" not in flag.message_th
    # Kept, not applied: the register still has one bin until staff decide.
    assert result.submission.applied is False
    assert _bins(session) == {"NB-0007"}


def test_a_usable_fix_inside_its_circle_but_beyond_side_by_side_is_held(
    session: Session, settings: Settings, place: Place
) -> None:
    add_bin(session, "NB-0007", *REGISTERED)
    result = _receive_xml(
        session, settings, place, bin_xml(code="01-0428", location=_north_of_registered(15, 20))
    )
    assert _codes(result) == ["likely_duplicate"]
    assert result.submission.applied is False


def test_a_poor_fix_right_beside_a_registered_bin_is_held(
    session: Session, settings: Settings, place: Place
) -> None:
    add_bin(session, "NB-0007", *REGISTERED)
    result = _receive_xml(
        session, settings, place, bin_xml(code="01-0429", location=_north_of_registered(3, 80))
    )
    assert _codes(result) == ["poor_gps_accuracy", "likely_duplicate"]
    assert result.submission.applied is False


def test_a_good_fix_side_by_side_is_only_noted(
    session: Session, settings: Settings, place: Place
) -> None:
    add_bin(session, "NB-0007", *REGISTERED)
    result = _receive_xml(
        session, settings, place, bin_xml(code="01-0430", location=_north_of_registered(3, 4))
    )
    assert _codes(result) == ["possible_duplicate"]
    assert result.submission.applied is True
    assert _bins(session) == {"NB-0007", "01-0430"}


def test_a_bin_beyond_the_fix_circle_is_not_a_duplicate(
    session: Session, settings: Settings, place: Place
) -> None:
    add_bin(session, "NB-0007", *REGISTERED)
    result = _receive_xml(
        session, settings, place, bin_xml(code="01-0431", location=_north_of_registered(30, 20))
    )
    assert _codes(result) == []
    assert result.submission.applied is True
