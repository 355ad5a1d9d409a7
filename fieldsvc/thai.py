"""Thai time, digits and the Buddhist era, defined once for the whole package.

Plain Python with no fieldsvc imports, so every layer can use it (except ``analysis``, which
imports only science and works in whatever units it is given).

Examples
--------
>>> from datetime import date, datetime
>>> local_date(datetime(2026, 11, 25, 18, 30))  # 18:30 UTC is already the 26th in Thailand
datetime.date(2026, 11, 26)
>>> format_be_date(date(2026, 11, 26))
'๒๖ พฤศจิกายน ๒๕๖๙'
>>> arabic_digits("หมู่ที่ ๑๒"), fiscal_year_be(date(2026, 10, 1))
('หมู่ที่ 12', 2570)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Final

#: Thai time (UTC+7). Thailand has no daylight saving, so a fixed offset is exact for every
#: date a survey can carry; the name is what ``tzname()`` reports.
THAI_TZ: Final = timezone(timedelta(hours=7), "Asia/Bangkok")

#: Buddhist era (พ.ศ.) = Common era (ค.ศ.) + 543.
BE_OFFSET: Final = 543
#: Years above this are Buddhist era (2400 BE = 1857 CE; no survey or bin is older than that).
BE_THRESHOLD: Final = 2400

THAI_DIGITS: Final = "๐๑๒๓๔๕๖๗๘๙"
_TO_THAI: Final = str.maketrans("0123456789", THAI_DIGITS)
_TO_ARABIC: Final = str.maketrans(THAI_DIGITS, "0123456789")

THAI_MONTHS: Final = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_SHORT: Final = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)


def thai_digits(text: object) -> str:
    """Arabic digits in ``text`` replaced by Thai digits; everything else unchanged.

    >>> thai_digits("หมู่ที่ 10, 2,500.00 บาท")
    'หมู่ที่ ๑๐, ๒,๕๐๐.๐๐ บาท'
    """
    return str(text).translate(_TO_THAI)


def arabic_digits(text: str) -> str:
    """Thai digits ๐–๙ in ``text`` replaced by 0–9; everything else unchanged.

    >>> arabic_digits("หมู่ ๑๒")
    'หมู่ 12'
    """
    return text.translate(_TO_ARABIC)


def digits(text: object, thai: bool) -> str:
    """``text`` with Thai digits when ``thai`` is true, as it is otherwise."""
    return thai_digits(text) if thai else str(text)


def ce_year(year: int) -> int:
    """The Common-era year of a year written either way (above 2400 it is Buddhist era).

    >>> ce_year(2567), ce_year(2024)
    (2024, 2024)
    """
    return year - BE_OFFSET if year > BE_THRESHOLD else year


def thai_now() -> datetime:
    """The current moment in Thai time."""
    return datetime.now(THAI_TZ)


def local_date(moment: date | datetime) -> date:
    """The calendar date in Thailand of a moment (naive datetimes are taken as UTC).

    >>> local_date(datetime(2026, 11, 25, 18, 30))
    datetime.date(2026, 11, 26)
    """
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return aware.astimezone(THAI_TZ).date()
    return moment


def fiscal_year_be(day: date) -> int:
    """Thai government fiscal year (พ.ศ.) of a date: October 2026 – September 2027 is 2570.

    >>> fiscal_year_be(date(2026, 9, 30)), fiscal_year_be(date(2026, 10, 1))
    (2569, 2570)
    """
    return (day.year + 1 if day.month >= 10 else day.year) + BE_OFFSET


def fiscal_month_ends(fiscal_year_be: int) -> list[date]:
    """The twelve month-ends of a Thai fiscal year (October to September), named in B.E.

    >>> ends = fiscal_month_ends(2570)
    >>> ends[0], ends[-1]
    (datetime.date(2026, 10, 31), datetime.date(2027, 9, 30))
    """
    first_year = fiscal_year_be - BE_OFFSET - 1  # October of the C.E. year before
    ends = []
    for k in range(12):
        year, month = first_year + (9 + k) // 12, (9 + k) % 12 + 1
        nxt = date(year + month // 12, month % 12 + 1, 1)
        ends.append(nxt - timedelta(days=1))
    return ends


def format_be_date(day: date | datetime, thai_digits: bool = True, *, short: bool = False) -> str:
    """A date as Thai official documents write it: day, Thai month, Buddhist-era year.

    >>> format_be_date(date(2026, 11, 26))
    '๒๖ พฤศจิกายน ๒๕๖๙'
    >>> format_be_date(date(2026, 11, 26), thai_digits=False)
    '26 พฤศจิกายน 2569'
    >>> format_be_date(date(2027, 1, 5), short=True)
    '๕ ม.ค. ๒๕๗๐'
    """
    d = local_date(day)
    months = THAI_MONTHS_SHORT if short else THAI_MONTHS
    text = f"{d.day} {months[d.month - 1]} {d.year + BE_OFFSET}"
    return digits(text, thai_digits)


def fiscal_year_label(be_year: int, thai_digits: bool = True) -> str:
    """The heading Thai offices use for a fiscal year (October–September).

    >>> fiscal_year_label(2570)
    'ปีงบประมาณ พ.ศ. ๒๕๗๐'
    >>> fiscal_year_label(2570, thai_digits=False)
    'ปีงบประมาณ พ.ศ. 2570'
    """
    return digits(f"ปีงบประมาณ พ.ศ. {be_year}", thai_digits)


def fiscal_year_span(be_year: int, thai_digits: bool = True) -> str:
    """The months a fiscal year covers, short form as in the ITA report.

    >>> fiscal_year_span(2566)
    'ต.ค. ๖๕ – ก.ย. ๖๖'
    """
    return digits(f"ต.ค. {(be_year - 1) % 100:02d} – ก.ย. {be_year % 100:02d}", thai_digits)
