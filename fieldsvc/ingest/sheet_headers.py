"""Which column of a survey sheet holds what: Thai, English and Kobo/ODK export headers.

Headers are matched loosely (case, spaces, ``_ - . : ( )`` ignored). Kobo and ODK Central
exports prefix grouped questions (``group_x/bin_code``, ``group_x-bin_code``) and split a
geopoint ``location`` into ``_location_latitude`` ... ``_location_precision``: both are understood.

Examples
--------
>>> header_field("ความจุ (ลิตร)"), header_field("group_x/bin_code"), header_field("_gps_latitude")
('capacity_l', 'bin_code', 'lat')
>>> header_field("หมายเหตุ"), header_field("สีของแมว") is None
('note', True)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Final

# field -> header synonyms, best first. The order matters when a sheet has two candidates
# (e.g. both "หมู่ที่" and "หมู่บ้าน"): the earlier synonym wins.
HEADER_SYNONYMS: Final[Mapping[str, tuple[str, ...]]] = {
    "bin_code": ("รหัสถัง", "รหัสถังขยะ", "bin_code", "code", "รหัส", "bin_id", "เลขถัง", "asset"),
    "village_number": (
        "หมู่ที่",
        "หมู่",
        "ม.",
        "moo",
        "village_number",
        "village_no",
        "village",
        "หมู่บ้าน",
    ),
    "lat": ("ละติจูด", "lat", "latitude", "ละติจูต"),
    "lon": ("ลองจิจูด", "lon", "lng", "long", "longitude", "ลองติจูด"),
    "altitude_m": ("altitude", "ความสูง", "alt"),
    "accuracy_m": ("accuracy", "precision", "ความแม่นยำ", "ความคลาดเคลื่อน", "gps_accuracy"),
    "coordinates": ("พิกัด", "ตำแหน่ง", "location", "gps", "geopoint", "coordinates", "latlon"),
    "capacity_l": (
        "ความจุ (ลิตร)",
        "ความจุ",
        "capacity_l",
        "capacity",
        "ขนาด (ลิตร)",
        "ขนาด",
        "ขนาดถัง",
        "size",
        "volume",
        "bin_size",
    ),
    "stream": ("ประเภทขยะ", "ประเภทถัง", "stream", "waste_type", "ประเภท", "type", "สีถัง", "color"),
    "condition": ("สภาพ", "สภาพถัง", "condition", "status", "สถานะ"),
    "survey_date": ("วันที่สำรวจ", "survey_date", "date", "วันที่", "observed_at", "observed"),
    "end": ("end",),
    "start": ("start",),
    "today": ("today",),
    "submission_time": ("_submission_time", "submission_time"),
    "installed_on": ("วันที่ติดตั้ง", "installed_on", "install_date", "installed"),
    "households_served": (
        "ครัวเรือนที่ใช้",
        "จำนวนครัวเรือน",
        "ครัวเรือน",
        "households_served",
        "households",
    ),
    "note": ("หมายเหตุ", "note", "notes", "remark", "remarks", "comment", "ข้อสังเกต"),
    "instance_id": ("meta/instanceID", "instanceID", "instance_id", "KEY"),
    "uuid": ("_uuid", "uuid"),
    "deprecated_id": ("meta/deprecatedID", "deprecatedID"),
    "device_id": ("deviceid", "device_id"),
    "form_version": ("__version__", "_version_", "form_version"),
}
# Fields that only bookkeeping columns feed: they do not make a header row recognisable.
_BOOKKEEPING: Final = frozenset(
    {"end", "start", "today", "submission_time", "uuid", "deprecated_id", "device_id"}
)
_GEOPOINT_PART: Final = re.compile(
    r"_?.+?[_\-](latitude|longitude|altitude|precision|accuracy)", re.IGNORECASE
)
_GEOPOINT_FIELD: Final = {
    "latitude": "lat",
    "longitude": "lon",
    "altitude": "altitude_m",
    "precision": "accuracy_m",
    "accuracy": "accuracy_m",
}
_IGNORED: Final = re.compile(r"[\s_\-.:()]+")


def header_key(name: str) -> str:
    """Return the loose matching key of a header (ignores case, spaces and ``_ - . : ( )``)."""
    return _IGNORED.sub("", unicodedata.normalize("NFC", name)).casefold()


def _index() -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for field, words in HEADER_SYNONYMS.items():
        for rank, word in enumerate(words):
            index.setdefault(header_key(word), (field, rank))
            index.setdefault(header_key(word.rsplit("/", 1)[-1]), (field, rank))
    return index


_INDEX: Final = _index()


def _match(name: str) -> tuple[str, int] | None:
    text = unicodedata.normalize("NFC", name).strip()
    if not text:
        return None
    candidates = [text, text.rsplit("/", 1)[-1]]
    if "-" in candidates[-1]:
        candidates.append(candidates[-1].split("-", 1)[-1])  # group_x-bin_code
    for candidate in candidates:
        found = _INDEX.get(header_key(candidate))
        if found is not None:
            return found
        part = _GEOPOINT_PART.fullmatch(candidate)
        if part is not None:
            return _GEOPOINT_FIELD[part.group(1).casefold()], 0
    return None


def header_field(name: str) -> str | None:
    """Return the field a header holds (``"bin_code"``, ``"lat"``, ...), or None."""
    found = _match(name)
    return found[0] if found else None


def map_headers(headers: Sequence[str]) -> dict[str, int]:
    """Return field -> column index for a header row; the best synonym wins, then the leftmost."""
    best: dict[str, tuple[int, int]] = {}
    for column, name in enumerate(headers):
        found = _match(name)
        if found is None:
            continue
        field, rank = found
        if field not in best or rank < best[field][0]:
            best[field] = (rank, column)
    return {field: column for field, (_rank, column) in best.items()}


def recognised_count(headers: Sequence[str]) -> int:
    """Return how many survey fields a row of headers names (bookkeeping columns not counted)."""
    return len(set(map_headers(headers)) - _BOOKKEEPING)
