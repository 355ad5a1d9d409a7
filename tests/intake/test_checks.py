"""Each validation rule: a realistic bad survey, the flag code, and messages in Thai and English."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

from sqlmodel import Session, select

from fieldsvc.config import Settings
from fieldsvc.ingest.checks import Flag, check_accuracy
from fieldsvc.ingest.openrosa import parse_submission_xml
from fieldsvc.ingest.survey import SurveyRecord
from fieldsvc.models import Bin, Channel, Condition, Stream
from fieldsvc.storage.submissions import ReceiveResult, receive_submission
from tests.intake.conftest import Place, add_bin, bin_xml, households_xml

THAI = re.compile("[\u0e00-\u0e7f]")


def _receive_xml(session: Session, settings: Settings, place: Place, xml: str) -> ReceiveResult:
    parsed = parse_submission_xml(xml)
    result = receive_submission(
        session=session,
        record=parsed.record,
        raw_payload=parsed.raw_xml,
        content_type="text/xml",
        submitter=place.staff,
        settings=settings,
        intake_flags=parsed.flags,
    )
    session.commit()
    return result


def _only(result: ReceiveResult, code: str) -> Flag:
    assert [f.code for f in result.flags] == [code], result.flags
    return result.flags[0]


def _bilingual(flag: Flag, *values: str) -> None:
    assert THAI.search(flag.message_th), flag.message_th
    assert not THAI.search(flag.message_en), flag.message_en
    for value in values:
        assert value in flag.message_th and value in flag.message_en, (value, flag)


def test_swapped_coordinates_are_held_with_the_swap_suggested(
    session: Session, settings: Settings, place: Place
) -> None:
    result = _receive_xml(session, settings, place, bin_xml(location="103.305 16.305 150 4"))
    flag = _only(result, "coordinates_swapped")
    assert flag.field == "location" and flag.severity == "reject"
    assert flag.details["suggested"] == {"lat": 16.305, "lon": 103.305}
    _bilingual(flag, "103.305", "16.305")
    assert "swapped" in flag.message_en and "สลับ" in flag.message_th
    assert result.submission.applied is False and session.exec(select(Bin)).all() == []


def test_null_island_is_held(session: Session, settings: Settings, place: Place) -> None:
    result = _receive_xml(session, settings, place, bin_xml(location="0.0 0.0 0.0 0.0"))
    flag = _only(result, "null_island")
    _bilingual(flag, "0 0")
    assert "Thailand" in flag.message_en and "ประเทศไทย" in flag.message_th
    assert result.submission.applied is False


def test_emulator_default_location_is_outside_thailand(
    session: Session, settings: Settings, place: Place
) -> None:
    # Android emulators report Google's campus when no location is mocked
    result = _receive_xml(session, settings, place, bin_xml(location="37.4219 -122.084 5 5"))
    flag = _only(result, "outside_thailand")
    _bilingual(flag, "37.4219", "-122.084")
    assert "5.6–20.5" in flag.message_en and "5.6–20.5" in flag.message_th
    assert result.submission.applied is False


def test_point_outside_the_subdistrict_is_applied_for_review(
    session: Session, settings: Settings, place: Place
) -> None:
    result = _receive_xml(session, settings, place, bin_xml(location="16.3502 103.3051 150 4"))
    flag = _only(result, "outside_subdistrict")
    assert flag.severity == "review"
    _bilingual(flag, "16.3502")
    assert result.submission.applied is True and result.submission.review_state == "has_issues"


def test_point_in_another_village_polygon_is_a_village_mismatch(
    session: Session, settings: Settings, place: Place
) -> None:
    result = _receive_xml(
        session, settings, place, bin_xml(village="1", location="16.305 103.315 150 4")
    )
    flag = _only(result, "village_mismatch")
    assert flag.field == "village" and flag.details == {"value": 1, "found": 2}
    _bilingual(flag, "1", "2")
    # the polygon wins for the register: the bin is filed under village 2
    assert session.exec(select(Bin)).one().village_id == place.village_ids[2]


def test_accuracy_zero_is_a_hand_placed_point(
    session: Session, settings: Settings, place: Place
) -> None:
    result = _receive_xml(session, settings, place, bin_xml(location="16.305 103.305 0 0"))
    flag = _only(result, "hand_placed_point")
    _bilingual(flag, "0")
    assert "hand" in flag.message_en and "วางเอง" in flag.message_th
    assert result.submission.applied is True


def test_a_3000_m_fix_is_poor_gps_accuracy(
    session: Session, settings: Settings, place: Place
) -> None:
    result = _receive_xml(session, settings, place, bin_xml(location="16.305 103.305 150 3000"))
    flag = _only(result, "poor_gps_accuracy")
    _bilingual(flag, "3000", "25")
    assert flag.details == {"value": 3000.0, "expected": "<= 25.0"}


def test_mistyped_code_on_an_inspection_is_unknown_bin_code(
    session: Session, settings: Settings, place: Place
) -> None:
    add_bin(session, "NB-0007", 16.3051, 103.3051)
    # a web-form inspection (condition only) with the letter O typed for a zero
    record = SurveyRecord(
        instance_id="uuid:0b7a1d2c-0000-4000-8000-00000000c0de",
        form_id="bin_survey",
        channel=Channel.web,
        bin_code="NB-O007",
        village_number=1,
        condition=Condition.damaged,
        observed_at=datetime(2026, 11, 20, 3, 0, tzinfo=UTC),
    )
    result = receive_submission(
        session=session,
        record=record,
        raw_payload="{}",
        content_type="application/json",
        submitter=place.staff,
        settings=settings,
    )
    flag = _only(result, "unknown_bin_code")
    _bilingual(flag, "NB-O007")
    assert flag.severity == "reject" and result.submission.applied is False
    assert [b.code for b in session.exec(select(Bin)).all()] == ["NB-0007"]


def test_survey_without_any_code_is_missing_bin_code(
    session: Session, settings: Settings, place: Place
) -> None:
    result = _receive_xml(session, settings, place, bin_xml(code=""))
    flag = _only(result, "missing_bin_code")
    assert flag.field == "bin_code" and THAI.search(flag.message_th)
    assert result.submission.applied is False


def test_new_bin_next_to_a_same_stream_bin_is_a_possible_duplicate(
    session: Session, settings: Settings, place: Place
) -> None:
    add_bin(session, "NB-0007", 16.3051, 103.3051)
    result = _receive_xml(
        session, settings, place, bin_xml(code="NB-0999", location="16.30512 103.30511 150 4")
    )
    flag = _only(result, "possible_duplicate")
    assert flag.details["existing_bin_code"] == "NB-0007"
    assert 1.0 < flag.details["distance_m"] < 3.0
    _bilingual(flag, "NB-0007", "NB-0999")
    assert result.submission.applied is True  # two drums side by side are common: review only


def test_new_bin_next_to_a_bin_of_another_stream_is_not_a_duplicate(
    session: Session, settings: Settings, place: Place
) -> None:
    add_bin(session, "NB-0007", 16.3051, 103.3051, stream=Stream.recyclable)
    result = _receive_xml(
        session, settings, place, bin_xml(code="NB-0999", location="16.30512 103.30511 150 4")
    )
    assert result.flags == []


def test_impossible_capacity_households_and_dates(
    session: Session, settings: Settings, place: Place
) -> None:
    capacity = _receive_xml(session, settings, place, bin_xml("uuid:c1", capacity="99999"))
    flag = _only(capacity, "impossible_value")
    assert flag.field == "capacity_l"
    _bilingual(flag, "99999", "20,000")
    negative = _receive_xml(session, settings, place, bin_xml("uuid:c2", households="-3"))
    assert _only(negative, "impossible_value").field == "households"
    _bilingual(negative.flags[0], "-3")
    # a phone whose clock was reset to 1970 after the battery ran flat
    reset = _receive_xml(
        session, settings, place, bin_xml("uuid:c3", start="1970-01-01T07:00:12.000+07:00")
    )
    flag = _only(reset, "impossible_value")
    assert flag.field == "observed_at"
    _bilingual(flag, "1970-01-01")
    assert "2000" in flag.message_en and "2543" in flag.message_th
    future = _receive_xml(
        session, settings, place, bin_xml("uuid:c4", start="2031-05-01T09:00:00.000+07:00")
    )
    assert _only(future, "impossible_value").field == "observed_at"
    assert not any(r.submission.applied for r in (capacity, negative, reset, future))


def test_population_below_households_is_flagged_for_review(
    session: Session, settings: Settings, place: Place
) -> None:
    result = _receive_xml(
        session, settings, place, households_xml(households="165", population="120")
    )
    flag = _only(result, "impossible_value")
    assert flag.field == "population" and flag.severity == "review"
    _bilingual(flag, "120", "165")


def test_unknown_village_number_holds_a_household_count(
    session: Session, settings: Settings, place: Place
) -> None:
    result = _receive_xml(session, settings, place, households_xml(village="12"))
    flag = _only(result, "unknown_village")
    _bilingual(flag, "12")
    assert result.submission.applied is False


def test_unreadable_values_are_kept_and_flagged(
    session: Session, settings: Settings, place: Place
) -> None:
    xml = bin_xml(capacity="สองร้อย", condition="broken", location="16.305 103.305 150 4")
    result = _receive_xml(session, settings, place, xml)
    codes = [(f.code, f.field) for f in result.flags]
    assert ("invalid_value", "capacity_l") in codes and ("invalid_value", "condition") in codes
    assert result.submission.raw_payload == xml and result.submission.applied is False


def test_a_clean_survey_has_no_flags(session: Session, settings: Settings, place: Place) -> None:
    result = _receive_xml(session, settings, place, bin_xml())
    assert result.flags == [] and result.submission.review_state == "received"


def test_accuracy_exactly_at_the_limit_is_accepted(settings: Settings) -> None:
    record = replace(parse_submission_xml(bin_xml()).record, accuracy_m=25.0)
    assert check_accuracy(record, max_gps_accuracy_m=settings.max_gps_accuracy_m) == []
    worse = replace(record, accuracy_m=25.1)
    flags = check_accuracy(worse, max_gps_accuracy_m=settings.max_gps_accuracy_m)
    assert [f.code for f in flags] == ["poor_gps_accuracy"]
