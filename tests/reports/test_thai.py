"""Thai digits, Buddhist-era dates, baht and fiscal years as official documents write them."""

from __future__ import annotations

import doctest
from datetime import UTC, date, datetime

import pytest

import fieldsvc.thai
from fieldsvc.reports import thai
from fieldsvc.reports.thai import baht_text, format_baht
from fieldsvc.thai import fiscal_year_label, format_be_date, thai_digits


def test_the_docstring_examples_hold() -> None:
    # Dates and digits moved to fieldsvc.thai; number formatting stayed in reports.thai.
    results = [doctest.testmod(module) for module in (thai, fieldsvc.thai)]
    assert sum(result.attempted for result in results) >= 15
    assert all(result.failed == 0 for result in results)


def test_26_november_2026_is_written_in_thai_digits_and_buddhist_era() -> None:
    assert format_be_date(date(2026, 11, 26)) == "๒๖ พฤศจิกายน ๒๕๖๙"
    assert format_be_date(date(2026, 11, 26), thai_digits=False) == "26 พฤศจิกายน 2569"


def test_a_moment_is_dated_in_thailand_not_in_utc() -> None:
    late_evening_utc = datetime(2026, 11, 25, 18, 30, tzinfo=UTC)  # 01:30 on the 26th in Bangkok
    assert format_be_date(late_evening_utc) == "๒๖ พฤศจิกายน ๒๕๖๙"


def test_thai_digits_replace_only_digits() -> None:
    assert thai_digits("หมู่ที่ 10 ถัง 240 L") == "หมู่ที่ ๑๐ ถัง ๒๔๐ L"


def test_baht_has_separators_and_satang() -> None:
    assert format_baht(1311700) == "1,311,700.00"
    assert format_baht(2500, thai_digits=True, unit=True) == "๒,๕๐๐.๐๐ บาท"


def test_fiscal_year_label() -> None:
    assert fiscal_year_label(2570) == "ปีงบประมาณ พ.ศ. ๒๕๗๐"


@pytest.mark.parametrize(
    "amount", [0, 1, 11, 21, 101, 1001, 1_000_001, 2_000_011, 399_200, 1_311_700.5, 0.25, 45_400]
)
def test_baht_in_words_agrees_with_pythainlp(amount: float) -> None:
    from pythainlp.util import bahttext

    assert baht_text(amount) == bahttext(amount)


def test_baht_in_words_known_answer() -> None:
    assert baht_text(399_200) == "สามแสนเก้าหมื่นเก้าพันสองร้อยบาทถ้วน"
