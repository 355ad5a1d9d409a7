"""The "same bin reported twice" check uses the fix's accuracy: a new bin reported with a ±80 m
fix 72 m from a registered bin of its stream is likely that bin, and is held for staff."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from fieldsvc.config import Settings
from fieldsvc.ingest.checks import duplicate_radius_for
from fieldsvc.models import Bin
from fieldsvc.storage.submissions import ReceiveResult
from tests.intake.conftest import Place, add_bin, bin_xml
from tests.intake.test_checks import THAI, _receive_xml

REGISTERED = (16.3051, 103.3051)
M_PER_DEG_LAT = 111_320  # metres per degree of latitude, for placing points north of the bin


def _north_of_registered(metres: float, accuracy_m: float) -> str:
    """An XForm geopoint ``metres`` north of the registered bin, with that accuracy."""
    return f"{REGISTERED[0] + metres / M_PER_DEG_LAT:.7f} {REGISTERED[1]} 150 {accuracy_m}"


def _codes(result: object) -> list[str]:
    return [f.code for f in result.flags]


def _bins(session: Session) -> set[str]:
    return {b.code for b in session.exec(select(Bin))}


@pytest.mark.parametrize(
    ("accuracy_m", "radius_m"), [(None, 5.0), (0.0, 5.0), (3.0, 5.0), (5.0, 5.0), (80.0, 80.0)]
)
def test_duplicate_radius_is_the_wider_of_five_metres_and_the_accuracy(
    accuracy_m: float | None, radius_m: float
) -> None:
    assert duplicate_radius_for(accuracy_m, duplicate_radius_m=5.0) == radius_m


def _reported_near_registered(
    session: Session, settings: Settings, place: Place, code: str, metres: float, accuracy_m: float
) -> ReceiveResult:
    """Register NB-0007, then receive a new bin ``code`` reported ``metres`` north of it."""
    add_bin(session, "NB-0007", *REGISTERED)
    location = _north_of_registered(metres, accuracy_m)
    return _receive_xml(session, settings, place, bin_xml(code=code, location=location))


def test_poor_fix_72_m_from_a_registered_bin_is_held_as_likely_the_same(
    session: Session, settings: Settings, place: Place
) -> None:
    result = _reported_near_registered(session, settings, place, "01-0427", 72, 80)
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


@pytest.mark.parametrize(
    ("code", "metres", "accuracy_m", "flags", "applied"),
    [
        # a usable fix inside its circle but beyond side by side is held
        ("01-0428", 15, 20, ["likely_duplicate"], False),
        # a poor fix right beside a registered bin is held
        ("01-0429", 3, 80, ["poor_gps_accuracy", "likely_duplicate"], False),
        # a good fix side by side is only noted
        ("01-0430", 3, 4, ["possible_duplicate"], True),
        # a bin beyond the fix circle is not a duplicate
        ("01-0431", 30, 20, [], True),
    ],
    ids=["usable-fix-in-circle-held", "poor-fix-beside-held", "good-fix-beside-noted", "beyond"],
)
def test_a_new_bin_near_a_registered_one_is_held_noted_or_registered_by_its_fix(
    session: Session,
    settings: Settings,
    place: Place,
    code: str,
    metres: float,
    accuracy_m: float,
    flags: list[str],
    applied: bool,
) -> None:
    result = _reported_near_registered(session, settings, place, code, metres, accuracy_m)
    assert _codes(result) == flags
    assert result.submission.applied is applied
    # Held surveys wait for staff; the others are in the register at once.
    assert _bins(session) == ({"NB-0007", code} if applied else {"NB-0007"})
