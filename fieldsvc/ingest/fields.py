"""Pick source columns by name and turn cell values into clean Python values.

Column names are matched loosely (case, spaces, ``_``, ``-``, ``.`` ignored) because the
same field arrives as ``VILL_NO``, ``vill no`` or ``หมู่ที่`` depending on who drew the map.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fieldsvc.ingest.errors import LayerReadError

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_KEY_IGNORED = re.compile(r"[\s_\-.:/()]+")
_VILLAGE_IN_TEXT = re.compile(
    r"(?:หมู่\s*ที่|หมู่|ม\s*\.|moo|mu|village\s*no\.?|village)\s*(\d{1,3})(?!\d)",
    re.IGNORECASE,
)
_INTEGER = re.compile(r"([+-]?\d+(?:\.0*)?)")
_INTEGER_WITH_UNIT = re.compile(r"([+-]?\d+(?:\.0*)?)\s*([^\W\d_].*)?")  # "240 L", "3 คน"
MAX_VILLAGE_NUMBER = 200


@dataclass(frozen=True)
class FieldRole:
    """An output column and the source column names it is guessed from, in order."""

    column: str
    label_th: str
    candidates: tuple[str, ...]


def column_key(name: str) -> str:
    """Return the loose matching key of a column name.

    Examples
    --------
    >>> column_key("VILL_NO") == column_key("vill no")
    True
    """
    return _KEY_IGNORED.sub("", unicodedata.normalize("NFC", name)).casefold()


def find_column(
    columns: Sequence[str], role: FieldRole, *, given: str | None, file: str
) -> str | None:
    """Return the source column for ``role``: ``given`` if set, else the first good guess.

    Raises
    ------
    LayerReadError
        ``field_not_found`` when ``given`` names a column the file does not have.
    """
    by_key: dict[str, str] = {}
    for name in columns:
        by_key.setdefault(column_key(name), name)
    if given is not None:
        if given in columns:
            return given
        if column_key(given) in by_key:
            return by_key[column_key(given)]
        raise LayerReadError(
            "field_not_found",
            file=file,
            field=given,
            role_th=role.label_th,
            role_en=role.column,
            columns=", ".join(columns) or "-",
        )
    for candidate in role.candidates:
        if column_key(candidate) in by_key:
            return by_key[column_key(candidate)]
    return None


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


def clean_text(value: object) -> str | None:
    """Return the value as tidy text (NFC, single spaces) or None when blank.

    Whole floats lose their ``.0`` so numeric codes read from DBF files stay codes.

    Examples
    --------
    >>> clean_text("  บ้าน   โนนสูง ")
    'บ้าน โนนสูง'
    >>> clean_text(34010101.0)
    '34010101'
    """
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = " ".join(unicodedata.normalize("NFC", str(value)).split())
    return text or None


def thai_digits_to_arabic(text: str) -> str:
    """Replace Thai digits ๐–๙ with 0–9.

    Examples
    --------
    >>> thai_digits_to_arabic("หมู่ที่ ๑๒")
    'หมู่ที่ 12'
    """
    return text.translate(_THAI_DIGITS)


def parse_count(value: object, *, allow_unit: bool = True) -> int | None:
    """Return a non-negative whole number, or None when blank.

    Accepts ints, whole floats, Thai digits, thousands separators and a trailing unit
    word (``"120 ครัวเรือน"``, ``"240 L"``).

    Raises
    ------
    ValueError
        When the value is not a whole number >= 0.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, numbers.Real):  # numpy scalars included
        number = float(value)
        if not math.isfinite(number) or number < 0 or not number.is_integer():
            raise ValueError(value)
        return int(number)
    text = thai_digits_to_arabic(str(value)).replace(",", "").strip()
    match = (_INTEGER_WITH_UNIT if allow_unit else _INTEGER).fullmatch(text)
    if match is None:
        raise ValueError(value)
    number = int(float(match.group(1)))
    if number < 0:
        raise ValueError(value)
    return number


def parse_village_number(value: object) -> int | None:
    """Return the village number (หมู่ที่) written in a value, or None when blank.

    Examples
    --------
    >>> parse_village_number("๓"), parse_village_number(4.0), parse_village_number("ม.5")
    (3, 4, 5)

    Raises
    ------
    ValueError
        When no number in 1..200 can be read.
    """
    if is_blank(value):
        return None
    try:
        number = parse_count(value, allow_unit=False)
    except ValueError:
        number = village_number_in_text(str(value))
        if number is None:
            raise
    if number is None or not 1 <= number <= MAX_VILLAGE_NUMBER:
        raise ValueError(value)
    return number


def village_number_in_text(text: str) -> int | None:
    """Find "หมู่ 3", "หมู่ที่ ๓", "ม.3" or "Moo 3" in free text such as a village name.

    Examples
    --------
    >>> village_number_in_text("หมู่ที่ ๓ บ้านหนองบัว")
    3
    >>> village_number_in_text("Ban Nong Bua (Moo 12)")
    12
    >>> village_number_in_text("บ้านหนองบัว") is None
    True
    """
    match = _VILLAGE_IN_TEXT.search(thai_digits_to_arabic(unicodedata.normalize("NFC", text)))
    return int(match.group(1)) if match else None


def parse_date(value: object) -> dt.date | None:
    """Return a date from a date/datetime, ISO text or d/m/yyyy (Buddhist era years too).

    Examples
    --------
    >>> parse_date("1/3/2567")
    datetime.date(2024, 3, 1)

    Raises
    ------
    ValueError
        When the value is not a date this function knows.
    """
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = thai_digits_to_arabic(str(value)).strip()
    try:
        parsed = dt.date.fromisoformat(text[:10])
    except ValueError:
        match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
        if match is None:
            raise
        day, month, year = (int(part) for part in match.groups())
        parsed = dt.date(year, month, day)
    if parsed.year > 2400:  # Buddhist era (พ.ศ. = ค.ศ. + 543)
        parsed = parsed.replace(year=parsed.year - 543)
    return parsed


def describe(value: object) -> str | None:
    """Return a value as short text for a RowNote (None stays None)."""
    if is_blank(value):
        return None
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def first_text(values: Iterable[object]) -> str | None:
    """Return the first non-blank value as clean text."""
    for value in values:
        text = clean_text(value)
        if text is not None:
            return text
    return None
