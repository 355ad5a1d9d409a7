"""Thai time, digits and the Buddhist era live in fieldsvc.thai and nowhere else."""

from __future__ import annotations

import doctest
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import fieldsvc
from fieldsvc import thai
from fieldsvc.thai import (
    THAI_TZ,
    arabic_digits,
    ce_year,
    fiscal_year_be,
    local_date,
    thai_digits,
)

PACKAGE = Path(fieldsvc.__file__).parent
#: Ways a module could define its own Thai time zone, digits table or BE offset.
OWN_DEFINITIONS = re.compile(
    r"timedelta\(hours=7\)|ZoneInfo\(|[\"']Asia/Bangkok[\"']|hours=THAI|[+-] ?543\b|๐๑๒๓๔๕๖๗๘๙"
)


def test_the_docstring_examples_hold() -> None:
    result = doctest.testmod(thai)
    assert result.attempted >= 10
    assert result.failed == 0


def test_no_module_defines_its_own_thai_time_digits_or_era() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != PACKAGE / "thai.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OWN_DEFINITIONS.search(line)
    ]
    assert found == []


def test_analysis_does_not_import_thai_time() -> None:
    # analysis imports nothing of fieldsvc but its own errors; it works in the units it is given.
    for path in (PACKAGE / "analysis").rglob("*.py"):
        assert "fieldsvc.thai" not in path.read_text(encoding="utf-8"), path


def test_thai_time_is_utc_plus_seven() -> None:
    assert datetime(2026, 11, 25, 17, 0, tzinfo=UTC).astimezone(THAI_TZ).hour == 0
    assert THAI_TZ.tzname(None) == "Asia/Bangkok"


def test_a_utc_evening_is_the_next_day_in_thailand() -> None:
    assert local_date(datetime(2026, 11, 25, 17, 0, tzinfo=UTC)) == date(2026, 11, 26)
    assert local_date(datetime(2026, 11, 25, 16, 59)) == date(2026, 11, 25)  # naive = UTC


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2026, 9, 30), 2569), (date(2026, 10, 1), 2570), (date(2027, 9, 30), 2570)],
)
def test_fiscal_year(day: date, year: int) -> None:
    assert fiscal_year_be(day) == year


def test_digits_round_trip() -> None:
    assert thai_digits("0123456789") == "๐๑๒๓๔๕๖๗๘๙"
    assert arabic_digits(thai_digits("หมู่ 12, 2,500.75")) == "หมู่ 12, 2,500.75"


def test_years_above_2400_are_buddhist_era() -> None:
    assert (ce_year(2567), ce_year(2024), ce_year(2400)) == (2024, 2024, 2400)
