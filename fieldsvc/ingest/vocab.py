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

from fieldsvc.models.enums import CONDITION_TH, STREAM_TH, STREAM_TH_SHORT, Condition, Stream

STREAMS: Final = tuple(s.value for s in Stream)
CONDITIONS: Final = tuple(c.value for c in Condition)

# The labels come from the one table in ``fieldsvc.models.enums``.
STREAM_LABELS_TH: Final = STREAM_TH_SHORT
CONDITION_LABELS_TH: Final = CONDITION_TH

# Each code matches itself, its labels and a few everyday words.
_STREAM_WORDS: Final[Mapping[str, tuple[str, ...]]] = {"organic": ("ขยะเปียก",)}
_CONDITION_WORDS: Final[Mapping[str, tuple[str, ...]]] = {
    "usable": ("ใช้ได้",),
    "missing": ("หาย",),
    "overflowing": ("ล้น",),
}
STREAM_TERMS: Final[Mapping[str, tuple[str, ...]]] = {
    s.value: (s.value, STREAM_TH_SHORT[s], STREAM_TH[s], *_STREAM_WORDS.get(s.value, ()))
    for s in Stream
}
CONDITION_TERMS: Final[Mapping[str, tuple[str, ...]]] = {
    c.value: (c.value, CONDITION_TH[c], *_CONDITION_WORDS.get(c.value, ())) for c in Condition
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
