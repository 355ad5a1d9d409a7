"""Thai cell values: digits, Buddhist-era dates, litres and coordinate pairs."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldsvc.ingest.sheet_headers import header_field, map_headers
from fieldsvc.ingest.values import (
    as_aware,
    parse_coordinates,
    parse_litres,
    parse_number,
)
from fieldsvc.ingest.values import parse_date as parse_sheet_date
from fieldsvc.ingest.values import parse_datetime as parse_sheet_datetime
from fieldsvc.thai import THAI_TZ as ICT

NOV_26_2023 = dt.date(2023, 11, 26)


@pytest.mark.parametrize(
    "cell",
    [
        "26/11/2566",
        "๒๖/๑๑/๒๕๖๖",
        "26/11/66",
        "26-11-2566",
        "26.11.2566",
        "26/11/2023",
        "26 พ.ย. 2566",
        "๒๖ พ.ย. ๒๕๖๖",
        "26 พ.ย.66",
        "26 พฤศจิกายน 2566",
        "26 พฤศจิกายน พ.ศ. 2566",
        "26 Nov 2023",
        "2023-11-26",
        "2566-11-26",
        dt.datetime(2566, 11, 26),  # an Excel date cell typed with a BE year
        dt.datetime(2023, 11, 26),
        dt.date(2023, 11, 26),
        45256,  # an Excel day serial in a cell not formatted as a date
    ],
)
def test_every_way_of_writing_26_november_2023(cell: object) -> None:
    assert parse_sheet_date(cell) == NOV_26_2023


def test_short_years_are_buddhist_era() -> None:
    assert parse_sheet_date("1/3/67") == dt.date(2024, 3, 1)


def test_leap_day_of_a_be_year_is_kept() -> None:
    assert parse_sheet_date("29/02/2567") == dt.date(2024, 2, 29)


def test_times_are_kept_and_naive_times_are_thai_time() -> None:
    parsed = parse_sheet_datetime("26/11/2566 14:30")
    assert parsed == dt.datetime(2023, 11, 26, 14, 30)
    assert as_aware(parsed) == dt.datetime(2023, 11, 26, 7, 30, tzinfo=dt.UTC)
    kobo = parse_sheet_datetime("2023-11-26T15:10:00.000+07:00")
    assert as_aware(kobo).astimezone(ICT).hour == 15


@pytest.mark.parametrize("cell", ["31/02/2566", "13/13/2566", "เมื่อวาน", "26 บ.ค. 2566", "", 12])
def test_impossible_or_unknown_dates_raise(cell: object) -> None:
    with pytest.raises(ValueError):
        parse_sheet_date(cell)


@pytest.mark.parametrize(
    ("cell", "litres"),
    [("240", 240), ("๒๔๐", 240), ("240 ลิตร", 240), ("200L", 200), ("1,100 ล.", 1100), (660.0, 660)],
)
def test_litres(cell: object, litres: int) -> None:
    assert parse_litres(cell) == litres


@pytest.mark.parametrize("cell", ["abc", "0", "-240", "240.5", "ใหญ่"])
def test_bad_litres_raise(cell: object) -> None:
    with pytest.raises(ValueError):
        parse_litres(cell)


def test_numbers_with_thai_digits() -> None:
    assert parse_number("๑๖.๓๑๔๒๘๓") == pytest.approx(16.314283)
    with pytest.raises(ValueError):
        parse_number("16.31.42")


def test_coordinate_pairs_and_odk_geopoints() -> None:
    assert parse_coordinates("16.3142, 103.2797") == (16.3142, 103.2797, None, None)
    assert parse_coordinates("(๑๖.๕, ๑๐๓.๒)") == (16.5, 103.2, None, None)
    assert parse_coordinates("16.3142 103.2797 152.0 4.5") == (16.3142, 103.2797, 152.0, 4.5)
    with pytest.raises(ValueError):
        parse_coordinates("16.3142")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("รหัสถัง", "bin_code"),
        ("รหัส", "bin_code"),
        ("Bin Code", "bin_code"),
        ("group_x/bin_code", "bin_code"),
        ("group_x-bin_code", "bin_code"),
        ("หมู่ที่", "village_number"),
        ("Moo", "village_number"),
        ("ละติจูด", "lat"),
        ("_location_latitude", "lat"),
        ("location-Longitude", "lon"),
        ("lng", "lon"),
        ("_location_precision", "accuracy_m"),
        ("พิกัด", "coordinates"),
        ("ความจุ (ลิตร)", "capacity_l"),
        ("ขนาด", "capacity_l"),
        ("size", "capacity_l"),
        ("ประเภทขยะ", "stream"),
        ("สภาพ", "condition"),
        ("วันที่สำรวจ", "survey_date"),
        ("วันที่ติดตั้ง", "installed_on"),
        ("meta/instanceID", "instance_id"),
        ("_uuid", "uuid"),
        ("_submission_time", "submission_time"),
        ("หมายเหตุ", "note"),
        ("_id", None),
        ("ชื่อผู้สำรวจ", None),
    ],
)
def test_headers(header: str, field: str | None) -> None:
    assert header_field(header) == field


def test_the_best_synonym_wins_over_the_leftmost() -> None:
    columns = map_headers(["หมู่บ้าน", "หมู่ที่", "รหัส", "รหัสถัง"])
    assert columns["village_number"] == 1
    assert columns["bin_code"] == 3
