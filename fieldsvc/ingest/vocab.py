"""Controlled vocabularies for bins: waste stream and condition, English and Thai.

Deliberately small: the exact English code, its Thai label and a few obvious Thai forms.
Richer spreadsheet rules (colours, abbreviations, typos) belong with the sheet importer
and can extend ``STREAM_TERMS`` / ``CONDITION_TERMS``.

Examples
--------
>>> match_stream("ขยะอินทรีย์"), match_condition(" Damaged ")
('organic', 'damaged')
>>> match_stream("purple") is None
True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Final

STREAMS: Final = ("general", "organic", "recyclable", "hazardous")
CONDITIONS: Final = ("usable", "damaged", "missing", "overflowing")

STREAM_LABELS_TH: Final[Mapping[str, str]] = {
    "general": "ทั่วไป",
    "organic": "อินทรีย์",
    "recyclable": "รีไซเคิล",
    "hazardous": "อันตราย",
}
CONDITION_LABELS_TH: Final[Mapping[str, str]] = {
    "usable": "ใช้งานได้",
    "damaged": "ชำรุด",
    "missing": "สูญหาย",
    "overflowing": "ขยะล้น",
}

STREAM_TERMS: Final[Mapping[str, tuple[str, ...]]] = {
    "general": ("general", "ทั่วไป", "ขยะทั่วไป"),
    "organic": ("organic", "อินทรีย์", "ขยะอินทรีย์", "ขยะเปียก"),
    "recyclable": ("recyclable", "รีไซเคิล", "ขยะรีไซเคิล"),
    "hazardous": ("hazardous", "อันตราย", "ขยะอันตราย"),
}
CONDITION_TERMS: Final[Mapping[str, tuple[str, ...]]] = {
    "usable": ("usable", "ใช้งานได้", "ใช้ได้"),
    "damaged": ("damaged", "ชำรุด"),
    "missing": ("missing", "สูญหาย", "หาย"),
    "overflowing": ("overflowing", "ขยะล้น", "ล้น"),
}


def term_key(text: str) -> str:
    """Return the matching key of a term: NFC, case-folded, without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text)).casefold()


def _index(terms: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    return {term_key(word): code for code, words in terms.items() for word in words}


_STREAM_INDEX: Final = _index(STREAM_TERMS)
_CONDITION_INDEX: Final = _index(CONDITION_TERMS)


def match_stream(text: str) -> str | None:
    """Return the stream code (``"general"``, ...) for English or Thai text, else None."""
    return _STREAM_INDEX.get(term_key(text))


def match_condition(text: str) -> str | None:
    """Return the condition code (``"usable"``, ...) for English or Thai text, else None."""
    return _CONDITION_INDEX.get(term_key(text))
