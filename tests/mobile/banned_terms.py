"""Words a village head should not meet in the phone form or in the server's answers to it.

Two kinds:

* ``THAI_JARGON``: office or computer words with a plain Thai way to say the same thing
  (``เกณฑ์`` → "should be at most …"; ``พิกัด`` → ``ตำแหน่ง``; ``เซิร์ฟเวอร์`` → "the อบต. system";
  ``เข้าสู่ระบบใหม่`` ("sign in again") is no help to someone who signed in with a link: they need
  a new link from the office).
* ``FIELD_NAMES``: the English names of the survey's fields and of the wire format, which a
  message once put in brackets inside the Thai (``ตำแหน่ง (location)``). Latin words a head does
  know stay allowed: GPS, QR, LINE, JPEG/PNG/WebP, MB, bin codes such as NB-0001.

Units (ไบต์, พิกเซล) stay: a size limit is told with its number, and the message says what to
do (take the photo again). ``พิกัด`` was a close call: it is everyday Thai for map coordinates
to staff, but a head reads ``ตำแหน่ง`` (position) more easily, and the form says ``ตำแหน่ง``
everywhere.
"""

from __future__ import annotations

import re

THAI_JARGON: tuple[str, ...] = (
    "เกณฑ์",
    "พิกัด",
    "โทเค็น",
    "เซิร์ฟเวอร์",
    "เข้าสู่ระบบใหม่",
    "ฐานข้อมูล",
)

FIELD_NAMES: frozenset[str] = frozenset(
    {
        "stream",
        "capacity",
        "capacity_l",
        "accuracy",
        "accuracy_m",
        "code",
        "bin_code",
        "location",
        "condition",
        "village",
        "photo",
        "photos",
        "submission",
        "instanceid",
        "deprecatedid",
        "meta",
        "lat",
        "lon",
        "observed_at",
        "field",
        "field_name",
        "token",
        "multipart",
        "xml",
        "dtd",
        "json",
        "utf",
        "entity",
    }
)

#: Placeholders whose value is an English field name or wire detail: not for Thai text.
ENGLISH_PLACEHOLDERS: tuple[str, ...] = ("{field_name}", "{part}", "{content_type}", "{reason}")

_LATIN_WORD = re.compile(r"[A-Za-z_][A-Za-z_]*")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def banned_in(text: str) -> list[str]:
    """The banned terms in one Thai message (its ``{placeholders}`` are checked, not read)."""
    found = [term for term in THAI_JARGON if term in text]
    found += [p for p in ENGLISH_PLACEHOLDERS if p in text]
    words = _LATIN_WORD.findall(_PLACEHOLDER.sub(" ", text))
    found += [w for w in words if w.lower() in FIELD_NAMES]
    return found
