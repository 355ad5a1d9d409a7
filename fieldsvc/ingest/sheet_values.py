"""Cell values as Thai offices type them: Thai digits, Buddhist-era dates, "lat, lon" pairs.

Every parser takes a raw cell (text, number, or the ``datetime`` openpyxl returns for a date
cell) and returns a clean value, or raises ``ValueError`` when the cell cannot be read.
Blank cells are the caller's business (see ``is_blank``).

Examples
--------
>>> parse_number("๑,๑๐๐")
1100.0
>>> parse_sheet_date("26 พ.ย. 2566")
datetime.date(2023, 11, 26)
>>> parse_sheet_date("๒๖/๑๑/๖๖")
datetime.date(2023, 11, 26)
>>> parse_coordinates("16.3142, 103.2797")
(16.3142, 103.2797, None, None)
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Final

ICT: Final = dt.timezone(dt.timedelta(hours=7), "ICT")  # Thailand has no daylight saving
BE_OFFSET: Final = 543
# Years above this are Buddhist era (2400 BE = 1857 CE; no survey is older than that).
BE_THRESHOLD: Final = 2400
# Excel day serials in this range are dates from 1954 to 2119 (a date cell saved as a number).
_EXCEL_SERIALS: Final = (20_000, 80_000)
_EXCEL_EPOCH: Final = dt.date(1899, 12, 30)

_THAI_DIGITS: Final = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_LITRES_UNIT: Final = re.compile(r"(?:ลิตร|ล\.?|litres?|liters?|l|ltr)\.?", re.IGNORECASE)

THAI_MONTHS: Final[tuple[tuple[str, ...], ...]] = (
    ("มกราคม", "ม.ค."),
    ("กุมภาพันธ์", "ก.พ."),
    ("มีนาคม", "มี.ค."),
    ("เมษายน", "เม.ย."),
    ("พฤษภาคม", "พ.ค."),
    ("มิถุนายน", "มิ.ย."),
    ("กรกฎาคม", "ก.ค."),
    ("สิงหาคม", "ส.ค."),
    ("กันยายน", "ก.ย."),
    ("ตุลาคม", "ต.ค."),
    ("พฤศจิกายน", "พ.ย."),
    ("ธันวาคม", "ธ.ค."),
)
_EN_MONTHS: Final = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)


def _month_key(text: str) -> str:
    return re.sub(r"[\s.]+", "", text).casefold()


_MONTH_BY_NAME: Final[dict[str, int]] = {
    **{_month_key(name): i for i, names in enumerate(THAI_MONTHS, 1) for name in names},
    **{name: i for i, name in enumerate(_EN_MONTHS, 1)},
}
_DMY: Final = re.compile(
    r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})"
    r"(?:[\sT]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?"
)
_YMD: Final = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TEXT_MONTH: Final = re.compile(r"(\d{1,2})\s*([^\d\s,]+(?:\s*[^\d\s,]+)?)\s*,?\s*(\d{2}|\d{4})")


def is_blank(value: object) -> bool:
    """Return True for None, NaN and whitespace-only text."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and not value.strip()


def to_text(value: object) -> str:
    """Return a cell as tidy text: NFC, Thai digits kept, single spaces, ``240.0`` → ``240``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def arabic_digits(text: str) -> str:
    """Replace Thai digits ๐–๙ with 0–9.

    >>> arabic_digits("หมู่ ๑๒")
    'หมู่ 12'
    """
    return text.translate(_THAI_DIGITS)


def parse_number(value: object) -> float:
    """Return a finite number from a cell: Thai digits, thousands commas and spaces allowed."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = arabic_digits(to_text(value)).replace(",", "").replace(" ", "")
        if _NUMBER.fullmatch(text) is None:
            raise ValueError(value)
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def parse_whole(value: object) -> int:
    """Return a whole number >= 0 (``"๓"``, ``3.0``, ``"1,100"``)."""
    number = parse_number(value)
    if number < 0 or not number.is_integer():
        raise ValueError(value)
    return int(number)


def parse_litres(value: object) -> int:
    """Return a volume in whole litres: ``240``, ``"240 ลิตร"``, ``"๒๐๐ L"``, ``"1,100ล."``."""
    if isinstance(value, str):
        value = _LITRES_UNIT.sub("", arabic_digits(value)).strip()
    litres = parse_number(value)
    if litres <= 0 or not litres.is_integer():
        raise ValueError(value)
    return int(litres)


def _year_ce(year: int, *, digits: int) -> int:
    # Thai offices write short years in the Buddhist era: 66 is 2566 BE (2023 CE).
    if digits == 2:
        year += 2500
    return year - BE_OFFSET if year > BE_THRESHOLD else year


def _from_excel_serial(serial: float) -> dt.date:
    if not _EXCEL_SERIALS[0] <= serial <= _EXCEL_SERIALS[1]:
        raise ValueError(serial)
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def _be_datetime(value: dt.datetime) -> dt.datetime:
    if value.year > BE_THRESHOLD:
        try:
            return value.replace(year=value.year - BE_OFFSET)
        except ValueError:  # 29 February of a BE year that is a CE leap year
            return value.replace(year=value.year - BE_OFFSET, day=28)
    return value


def parse_sheet_datetime(value: object) -> dt.date | dt.datetime:
    """Return a date (or a datetime, when the cell has a time) from a sheet cell.

    Understands Excel date cells (a year above 2400 is Buddhist era), Excel day serials,
    ISO text (``2023-11-26``, ``2023-11-26T08:15:30+07:00``), ``dd/mm/yyyy`` with a CE or
    BE year, ``d/m/yy`` (short BE year), ``26 พ.ย. 2566`` and ``26 พฤศจิกายน 2566``.
    Day comes before month, as Thai offices write it.

    Raises
    ------
    ValueError
        When the cell is not a date this function knows, or names a day that does not exist.
    """
    if isinstance(value, dt.datetime):
        return _be_datetime(value)
    if isinstance(value, dt.date):
        return _be_datetime(dt.datetime.combine(value, dt.time())).date()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_excel_serial(float(value))
    text = arabic_digits(to_text(value)).replace("พ.ศ.", " ").replace("ค.ศ.", " ").strip()
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        return _from_excel_serial(float(text))
    iso = _YMD.match(text)
    if iso is not None:
        return _from_iso(text, iso)
    numeric = _DMY.fullmatch(text)
    if numeric is not None:
        return _from_dmy(*numeric.groups())
    named = _TEXT_MONTH.fullmatch(text)
    if named is not None:
        day, month_name, year = named.groups()
        month = _MONTH_BY_NAME.get(_month_key(month_name)) or _MONTH_BY_NAME.get(
            _month_key(month_name)[:3]
        )
        if month is not None:
            return dt.date(_year_ce(int(year), digits=len(year)), month, int(day))
    raise ValueError(value)


def _from_iso(text: str, match: re.Match[str]) -> dt.date | dt.datetime:
    year, month, day = (int(part) for part in match.groups())
    day_ce = dt.date(_year_ce(year, digits=4), month, day)
    rest = text[match.end() :].strip()
    if not rest:
        return day_ce
    return dt.datetime.fromisoformat(f"{day_ce.isoformat()}T{rest.lstrip('T')}")


def _from_dmy(
    day: str, month: str, year: str, hour: str | None, minute: str | None, second: str | None
) -> dt.date | dt.datetime:
    day_ce = dt.date(_year_ce(int(year), digits=len(year)), int(month), int(day))
    if hour is None or minute is None:
        return day_ce
    return dt.datetime.combine(day_ce, dt.time(int(hour), int(minute), int(second or 0)))


def parse_sheet_date(value: object) -> dt.date:
    """Return the date of a sheet cell (see ``parse_sheet_datetime``), without the time."""
    parsed = parse_sheet_datetime(value)
    return parsed.date() if isinstance(parsed, dt.datetime) else parsed


def as_aware(value: dt.date | dt.datetime, *, naive_zone: dt.tzinfo = ICT) -> dt.datetime:
    """Return a timezone-aware datetime; a bare date is midnight and naive times are ``naive_zone``
    (Thai time unless the column is known to be UTC, like Kobo's ``_submission_time``)."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return value if value.tzinfo is not None else value.replace(tzinfo=naive_zone)


def parse_coordinates(value: object) -> tuple[float, float, float | None, float | None]:
    """Return ``(lat, lon, altitude_m, accuracy_m)`` from one cell.

    Accepts ``"lat, lon"``, ``"(lat, lon)"`` and the ODK geopoint ``"lat lon altitude
    accuracy"``; latitude first, as in Google Maps and ODK.
    """
    text = arabic_digits(to_text(value)).strip("()[] ")
    parts = [p for p in re.split(r"[,;\s]+", text) if p]
    if len(parts) not in (2, 3, 4):
        raise ValueError(value)
    numbers = [parse_number(part) for part in parts]
    altitude = numbers[2] if len(numbers) > 2 else None
    accuracy = numbers[3] if len(numbers) > 3 else None
    return numbers[0], numbers[1], altitude, accuracy
