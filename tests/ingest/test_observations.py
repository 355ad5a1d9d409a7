"""The apply rules on plain values: good fix, inspection values, newest observation, new bin."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fieldsvc.errors import InvalidInput
from fieldsvc.ingest.observations import (
    bin_from_survey,
    good_fix,
    is_newest,
    newest_state,
    observation_of,
)
from fieldsvc.ingest.survey import BIN_SURVEY_FORM, SurveyRecord
from fieldsvc.models.enums import Channel, Condition, Stream

MONDAY = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
SUNDAY = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


def _record(**changes: object) -> SurveyRecord:
    values: dict[str, object] = dict(
        instance_id="uuid:1",
        form_id=BIN_SURVEY_FORM,
        channel=Channel.openrosa,
        bin_code="NB-1",
        lat=16.305,
        lon=103.305,
        accuracy_m=4.5,
        condition=Condition.damaged,
        capacity_l=240,
        stream=Stream.general,
        households_served=12,
        observed_at=SUNDAY,
    )
    return SurveyRecord(**{**values, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, True),
        ({"accuracy_m": 25.0}, True),  # the limit itself is good enough
        ({"accuracy_m": 25.1}, False),
        ({"accuracy_m": None}, True),  # unknown accuracy: trusted
        ({"lat": 0.0, "lon": 0.0}, False),  # null island is no place in Thailand
        ({"lat": None}, False),
    ],
)
def test_good_fix_needs_a_usable_point_and_an_accuracy_within_the_limit(
    changes: dict[str, object], expected: bool
) -> None:
    assert good_fix(_record(**changes), max_gps_accuracy_m=25.0) is expected


def test_observation_leaves_impossible_counts_unknown_and_drops_a_poor_point() -> None:
    record = _record(capacity_l=0, households_served=-3, condition=None, note="x" * 2100)
    seen = observation_of(record, received_at=MONDAY, with_point=False)
    assert (seen.capacity_l, seen.households_served, seen.condition) == (
        None,
        None,
        Condition.usable,
    )
    assert (seen.lon, seen.lat, seen.accuracy_m) == (None, None, None)
    assert seen.note == "x" * 2000 and seen.observed_at == SUNDAY


def test_a_survey_without_a_time_counts_as_made_when_it_arrived() -> None:
    seen = observation_of(_record(observed_at=None), received_at=MONDAY, with_point=True)
    assert seen.observed_at == MONDAY and (seen.lon, seen.lat) == (103.305, 16.305)


def test_only_the_newest_observation_sets_the_bin_ties_going_to_the_later_one() -> None:
    assert is_newest(SUNDAY, None) and is_newest(SUNDAY, SUNDAY)
    assert not is_newest(SUNDAY, MONDAY)  # made last week, sent today: history only


def test_newest_state_keeps_unknown_values_and_moves_the_bin_with_a_point() -> None:
    bare = observation_of(
        _record(capacity_l=None, stream=None, households_served=None),
        received_at=None,
        with_point=False,
    )
    assert newest_state(bare, point_village_id=7) == {
        "condition": Condition.damaged,
        "last_inspected_at": SUNDAY,
    }
    placed = observation_of(_record(), received_at=None, with_point=True)
    assert newest_state(placed, point_village_id=7) == {
        "condition": Condition.damaged,
        "last_inspected_at": SUNDAY,
        "capacity_l": 240,
        "stream": Stream.general,
        "households_served": 12,
        "lon": 103.305,
        "lat": 16.305,
        "village_id": 7,
    }
    assert "village_id" not in newest_state(placed, point_village_id=None)


def test_bin_from_survey_builds_the_new_bin_or_names_the_missing_field() -> None:
    new = bin_from_survey(_record(), village_id=3)
    assert (new.code, new.capacity_l, new.stream, new.village_id) == ("NB-1", 240, "general", 3)
    with pytest.raises(InvalidInput) as missing:
        bin_from_survey(_record(stream=None), village_id=3)
    assert missing.value.field == "stream"
    with pytest.raises(InvalidInput) as invalid:
        bin_from_survey(_record(capacity_l=0), village_id=3)
    assert invalid.value.field == "capacity_l"
