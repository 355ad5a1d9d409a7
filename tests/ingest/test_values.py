"""The one value toolkit: the cases where the sheet and the map-layer readers used to disagree."""

from __future__ import annotations

import datetime as dt
import doctest

import pandas as pd
import pytest

from fieldsvc.ingest import values
from fieldsvc.ingest.values import (
    MAX_VILLAGE_NUMBER,
    clean_text,
    describe,
    is_blank,
    parse_date,
    parse_litres,
    parse_village_number,
    parse_whole,
    village_number_in_text,
)


def test_the_docstring_examples_hold() -> None:
    result = doctest.testmod(values)
    assert result.attempted >= 8
    assert result.failed == 0


# --- village numbers: layers allowed 1..200, sheets 1..99; the register stores 1..99 -----------


def test_village_numbers_stop_at_99_like_the_dopa_code() -> None:
    assert MAX_VILLAGE_NUMBER == 99
    assert parse_village_number(99) == 99
    assert parse_village_number("หมู่ที่ ๙๙") == 99


@pytest.mark.parametrize("value", [0, 100, 150, 200, "๑๕๐", "หมู่ 150", "ม.100"])
def test_village_numbers_above_99_are_unreadable(value: object) -> None:
    with pytest.raises(ValueError):
        parse_village_number(value)


def test_a_number_above_99_in_a_name_is_not_a_village_number() -> None:
    assert village_number_in_text("บ้านใหม่ หมู่ 150") is None
    assert village_number_in_text("บ้านใหม่ หมู่ 15") == 15


def test_sheets_now_read_village_no_like_layers_do() -> None:
    # The sheet reader knew only หมู่/ม./Moo/Mu; layers also knew "Village 3" and "Village No. 3".
    assert parse_village_number("Village 3") == 3
    assert parse_village_number("Village No. 12") == 12


def test_a_blank_village_number_is_none() -> None:
    assert parse_village_number(" ") is None
    assert parse_village_number(float("nan")) is None


# --- dates: layers knew ISO and d/m/yyyy only; sheets knew much more ---------------------------


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("1/3/2567", dt.date(2024, 3, 1)),  # both knew this
        ("1/3/67", dt.date(2024, 3, 1)),  # short BE year: sheets only
        ("1 มี.ค. 2567", dt.date(2024, 3, 1)),  # Thai month name: sheets only
        ("1 มีนาคม 67", dt.date(2024, 3, 1)),
        (45352, dt.date(2024, 3, 1)),  # Excel day serial: sheets only
        (dt.datetime(2567, 3, 1, 10, 0), dt.date(2024, 3, 1)),  # BE year in a date value
        (pd.Timestamp("2024-03-01 10:00"), dt.date(2024, 3, 1)),
        ("2024-03-01T23:30:00Z", dt.date(2024, 3, 1)),
    ],
)
def test_one_date_rule_for_sheets_and_layers(value: object, day: dt.date) -> None:
    assert parse_date(value) == day


@pytest.mark.parametrize("value", ["", "2024-03-01 garbage", "31/02/2567", 12])
def test_unreadable_dates_raise(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date(value)


# --- counts and litres -----------------------------------------------------------------------


def test_counts_take_a_unit_word_only_when_asked() -> None:
    assert parse_whole("120 ครัวเรือน", unit_word=True) == 120
    assert parse_whole("๑,๒๐๐ คน", unit_word=True) == 1200
    with pytest.raises(ValueError):
        parse_whole("120 ครัวเรือน")


@pytest.mark.parametrize("value", ["1 100", "1,100", "๑๑๐๐", 1100.0])
def test_counts_accept_thousands_separators(value: object) -> None:
    assert parse_whole(value) == 1100


@pytest.mark.parametrize("value", ["-3", "3.5", "abc", "12/3", True])
def test_bad_counts_raise(value: object) -> None:
    with pytest.raises(ValueError):
        parse_whole(value, unit_word=True)


def test_capacity_needs_a_litre_unit_not_any_word() -> None:
    # Layers used to read "240 gallons" as 240 litres; only litre units are stripped now.
    assert parse_litres("240 ลิตร") == parse_litres("240 L") == 240
    with pytest.raises(ValueError):
        parse_litres("240 gallons")


# --- blanks and text ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "  ", float("nan"), pd.NA, pd.NaT])
def test_blanks(value: object) -> None:
    assert is_blank(value)
    assert clean_text(value) is None
    assert describe(value) is None


def test_text_of_whole_floats_and_long_values() -> None:
    assert clean_text(34010101.0) == "34010101"
    assert describe(240.0) == "240"
    assert describe("ก" * 100) == "ก" * 77 + "..."
