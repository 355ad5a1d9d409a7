"""Values as Thai offices and phones write them: one toolkit for every file and form reader.

Sheets, map layers, the web form, OpenRosa times and the CLI all read their values here, so a
cell, a layer attribute and a typed argument follow the same rule: Thai digits, thousands
commas, Buddhist-era years, Thai month names, Excel day serials and ``"lat, lon"`` pairs.

Every ``parse_*`` takes one raw value (text, a number, or the ``datetime`` a spreadsheet or a
layer file gives for a date) and returns a clean value, or raises ``ValueError`` when it cannot
be read. A blank value is the caller's business (see :func:`is_blank`): blank usually means
"not given", which only the caller can judge.

Examples
--------
>>> parse_number("๑,๑๐๐")
1100.0
>>> parse_whole("120 ครัวเรือน", unit_word=True)
120
>>> parse_date("26 พ.ย. 2566"), parse_date("๒๖/๑๑/๖๖")
(datetime.date(2023, 11, 26), datetime.date(2023, 11, 26))
>>> parse_village_number("หมู่ที่ ๑๒ บ้านหนองบัว")
12
>>> parse_coordinates("16.3142, 103.2797")
(16.3142, 103.2797, None, None)
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata
from typing import Final

from fieldsvc.problems.model import BIN_CODE_RULE_EN, BIN_CODE_RULE_TH
from fieldsvc.thai import (
    BE_OFFSET,
    BE_THRESHOLD,
    THAI_MONTHS,
    THAI_MONTHS_SHORT,
    THAI_TZ,
    arabic_digits,
    ce_year,
)

#: Village numbers (หมู่ที่) run 1..99: the DOPA village code ``CCAATTMM`` gives the village
#: two digits, and the register stores 1..99 (``VillageBase.number``).
MAX_VILLAGE_NUMBER: Final = 99

# Excel day serials in this range are dates from 1954 to 2119 (a date cell saved as a number).
_EXCEL_SERIALS: Final = (20_000, 80_000)
_EXCEL_EPOCH: Final = dt.date(1899, 12, 30)

_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
# A word after a count: "120 ครัวเรือน", "3 คน" (letters only, so "12/3" stays unreadable).
_UNIT_WORD: Final = re.compile(r"(?<=[\d.])\s*[^\W\d_].*\Z", re.DOTALL)
_LITRES_UNIT: Final = re.compile(r"(?:ลิตร|ล\.?|litres?|liters?|l|ltr)\.?", re.IGNORECASE)
_VILLAGE_IN_TEXT: Final = re.compile(
    r"(?:หมู่\s*ที่|หมู่|ม\s*\.|moo|mu|village\s*no\.?|village)\s*(\d{1,3})(?!\d)",
    re.IGNORECASE,
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
    **{_month_key(name): i for i, name in enumerate(THAI_MONTHS, 1)},
    **{_month_key(name): i for i, name in enumerate(THAI_MONTHS_SHORT, 1)},
    **{name: i for i, name in enumerate(_EN_MONTHS, 1)},
}
_DMY: Final = re.compile(
    r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})"
    r"(?:[\sT]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?"
)
_YMD: Final = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TEXT_MONTH: Final = re.compile(r"(\d{1,2})\s*([^\d\s,]+(?:\s*[^\d\s,]+)?)\s*,?\s*(\d{2}|\d{4})")


# --- text --------------------------------------------------------------------------------------


def is_blank(value: object) -> bool:
    """Return True for None, NaN/NaT/pd.NA and text that is only whitespace."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(value != value)  # NaN, NaT and pd.NA are not equal to themselves
    except TypeError:  # pd.NA raises on bool()
        return True


def to_text(value: object) -> str:
    """Return a value as tidy text: NFC, Thai digits kept, single spaces, ``240.0`` → ``240``.

    >>> to_text("  บ้าน   โนนสูง "), to_text(34010101.0), to_text(None)
    ('บ้าน โนนสูง', '34010101', '')
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def clean_text(value: object) -> str | None:
    """Return a value as tidy text (see :func:`to_text`), or None when it is blank.

    Whole floats lose their ``.0`` so numeric codes read from DBF files stay codes.
    """
    if is_blank(value):
        return None
    return to_text(value) or None


def describe(value: object) -> str | None:
    """Return a value as short text for an import note (blank stays None)."""
    if is_blank(value):
        return None
    text = to_text(value)
    return text if len(text) <= 80 else text[:77] + "..."


# --- numbers -----------------------------------------------------------------------------------


#: Bin codes: letters (Latin or Thai), digits (Arabic or Thai), and ``. _ / -`` inside, starting
#: with a letter or digit, at most 40 characters (``NB-0101``, ``SB-07-0427``, ``ก-12``). Codes
#: are printed on stickers and QR codes, published in CSV files and typed on phones: no spaces,
#: no quotes, brackets or formula signs (the rule in words: ``BIN_CODE_RULE_TH``/``_EN``).
BIN_CODE_PATTERN: Final = re.compile(r"[A-Za-z0-9\u0e01-\u0e59][A-Za-z0-9\u0e01-\u0e59._/-]{0,39}")


def is_bin_code(text: str) -> bool:
    """True when ``text`` follows the bin-code rule (:data:`BIN_CODE_PATTERN`).

    >>> is_bin_code("NB-0101"), is_bin_code("หมู่7/12"), is_bin_code("=HYPERLINK(1)")
    (True, True, False)
    """
    return BIN_CODE_PATTERN.fullmatch(text) is not None


def bin_code_field(value: str | None) -> str | None:
    """A bin code as a form or API field: trimmed, blank is None, else it must follow the rule
    (``ValueError`` naming the allowed characters, for a schema's 422)."""
    code = value.strip() if value is not None else ""
    if not code:
        return None
    if not is_bin_code(code):
        raise ValueError(
            f"bin code {code!r} is not allowed: {BIN_CODE_RULE_EN} / {BIN_CODE_RULE_TH}"
        )
    return code


def parse_bin_code(value: object) -> str:
    """A bin code from a cell or attribute (Thai digits made Arabic); ``ValueError`` otherwise."""
    code = arabic_digits(to_text(value))
    if not is_bin_code(code):
        raise ValueError(value)
    return code


def parse_number(value: object) -> float:
    """Return a finite number: Thai digits, thousands commas and spaces allowed.

    >>> parse_number("๑๖.๓๑๔๒"), parse_number("1 100")
    (16.3142, 1100.0)
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, numbers.Real):  # numpy scalars included
        number = float(value)
    else:
        text = arabic_digits(to_text(value)).replace(",", "").replace(" ", "")
        if _NUMBER.fullmatch(text) is None:
            raise ValueError(value)
        number = float(text)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def parse_whole(value: object, *, unit_word: bool = False) -> int:
    """Return a whole number >= 0 (``"๓"``, ``3.0``, ``"1,100"``).

    With ``unit_word`` a trailing word is allowed and ignored (``"120 ครัวเรือน"``, ``"3 คน"``):
    map layers often carry counts as text with their unit.
    """
    if unit_word and isinstance(value, str):
        value = _UNIT_WORD.sub("", arabic_digits(value).strip())
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


# --- village numbers ---------------------------------------------------------------------------


def village_number_in_text(text: str) -> int | None:
    """Find "หมู่ 3", "หมู่ที่ ๓", "ม.3", "Moo 3" or "Village 3" in free text such as a name.

    Bare digits are not a village number ("บ้านหนองบัว 2" may be the second Nong Bua), nor
    is a number outside 1..``MAX_VILLAGE_NUMBER``.

    >>> village_number_in_text("หมู่ที่ ๓ บ้านหนองบัว"), village_number_in_text("บ้านหนองบัว 2")
    (3, None)
    """
    match = _VILLAGE_IN_TEXT.search(arabic_digits(unicodedata.normalize("NFC", text)))
    number = int(match.group(1)) if match else None
    return number if number is not None and 1 <= number <= MAX_VILLAGE_NUMBER else None


def parse_village_number(value: object) -> int | None:
    """Return the village number (หมู่ที่) a value gives: ``3``, ``"๓"``, ``"ม.5"``, ``"Moo 7"``.

    A blank value gives None (no village number), unlike the other parsers: a village number
    is optional everywhere it is read, and a layer may fall back to the village's name.

    Raises
    ------
    ValueError
        When no number in 1..``MAX_VILLAGE_NUMBER`` can be read.
    """
    if is_blank(value):
        return None
    try:
        number = parse_whole(value)
    except ValueError:
        found = village_number_in_text(to_text(value))
        if found is None:
            raise
        number = found
    if not 1 <= number <= MAX_VILLAGE_NUMBER:
        raise ValueError(value)
    return number


# --- dates -------------------------------------------------------------------------------------


def _year_ce(year: int, *, digits: int) -> int:
    # Thai offices write short years in the Buddhist era: 66 is 2566 BE (2023 CE).
    if digits == 2:
        year += 2500
    return ce_year(year)


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


def parse_datetime(value: object) -> dt.date | dt.datetime:
    """Return a date (or a datetime, when the value has a time).

    Understands date and datetime objects (a year above 2400 is Buddhist era), Excel day
    serials, ISO text (``2023-11-26``, ``2023-11-26T08:15:30+07:00``), ``dd/mm/yyyy`` with a CE
    or BE year, ``d/m/yy`` (short BE year), ``26 พ.ย. 2566``, ``26 พฤศจิกายน 2566`` and
    ``26 Nov 2023``. Day comes before month, as Thai offices write it.

    Raises
    ------
    ValueError
        When the value is not a date this function knows, or names a day that does not exist.
    """
    if isinstance(value, dt.datetime):
        return _be_datetime(value)
    if isinstance(value, dt.date):
        return _be_datetime(dt.datetime.combine(value, dt.time())).date()
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
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


def parse_date(value: object) -> dt.date:
    """Return the date a value gives (see :func:`parse_datetime`), without the time."""
    parsed = parse_datetime(value)
    return parsed.date() if isinstance(parsed, dt.datetime) else parsed


def as_aware(value: dt.date | dt.datetime, *, naive_zone: dt.tzinfo = THAI_TZ) -> dt.datetime:
    """Return a timezone-aware datetime; a bare date is midnight and naive times are ``naive_zone``
    (Thai time unless the source is known to be UTC, like Kobo's ``_submission_time``)."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return value if value.tzinfo is not None else value.replace(tzinfo=naive_zone)


# --- coordinates -------------------------------------------------------------------------------


def parse_coordinates(value: object) -> tuple[float, float, float | None, float | None]:
    """Return ``(lat, lon, altitude_m, accuracy_m)`` from one value.

    Accepts ``"lat, lon"``, ``"(lat, lon)"`` and the ODK geopoint ``"lat lon altitude
    accuracy"``; latitude first, as in Google Maps and ODK.
    """
    text = arabic_digits(to_text(value)).strip("()[] ")
    parts = [p for p in re.split(r"[,;\s]+", text) if p]
    if len(parts) not in (2, 3, 4):
        raise ValueError(value)
    numbers_ = [parse_number(part) for part in parts]
    altitude = numbers_[2] if len(numbers_) > 2 else None
    accuracy = numbers_[3] if len(numbers_) > 3 else None
    return numbers_[0], numbers_[1], altitude, accuracy
