"""Controlled vocabularies. Stored as plain strings so SQLite and PostgreSQL agree."""

from __future__ import annotations

from enum import StrEnum


class Stream(StrEnum):
    """Waste stream, with the Thai bin colour code (blue, green, yellow, red)."""

    general = "general"
    organic = "organic"
    recyclable = "recyclable"
    hazardous = "hazardous"


class Condition(StrEnum):
    """What a surveyor sees."""

    usable = "usable"
    damaged = "damaged"
    missing = "missing"
    overflowing = "overflowing"


class Role(StrEnum):
    admin = "admin"
    health_staff = "health_staff"
    village_head = "village_head"
    viewer = "viewer"


class Channel(StrEnum):
    """How a survey reached the server."""

    openrosa = "openrosa"
    web = "web"
    sheet = "sheet"
    staff = "staff"


class ReviewState(StrEnum):
    received = "received"
    approved = "approved"
    has_issues = "has_issues"
    rejected = "rejected"


class HouseholdSource(StrEnum):
    """Where a household (demand) point comes from (migration 0007)."""

    survey = "survey"  # a surveyed house: one point, one household
    building = "building"  # a building footprint standing in for ``weight`` households


class InspectionSource(StrEnum):
    survey = "survey"
    inventory_import = "inventory_import"
    correction = "correction"


# --- the one table of labels: pages, maps, reports, import messages and the vocabulary ----------

#: What a village's household numbers rest on (``household_basis`` of the coverage table):
#: surveyed points, building footprints weighted to the register, or the register count alone.
HOUSEHOLD_BASIS_TH = {
    "survey": "จุดบ้านที่สำรวจ",
    "building": "ประมาณจากอาคาร",
    "count": "จำนวนบ้านตามทะเบียนเท่านั้น",
    "none": "ไม่มีข้อมูลครัวเรือน",
}
HOUSEHOLD_BASIS_EN = {
    "survey": "surveyed household points",
    "building": "estimated from building footprints",
    "count": "registered house count only",
    "none": "no household data",
}

#: Stream names as pages, maps and reports print them.
STREAM_TH = {
    Stream.general: "ขยะทั่วไป",
    Stream.organic: "ขยะอินทรีย์",
    Stream.recyclable: "ขยะรีไซเคิล",
    Stream.hazardous: "ขยะอันตราย",
}
#: Stream names as the phone form and sheet messages write them (the word ขยะ left out).
STREAM_TH_SHORT = {
    Stream.general: "ทั่วไป",
    Stream.organic: "อินทรีย์",
    Stream.recyclable: "รีไซเคิล",
    Stream.hazardous: "อันตราย",
}
CONDITION_TH = {
    Condition.usable: "ใช้งานได้",
    Condition.damaged: "ชำรุด",
    Condition.missing: "สูญหาย",
    Condition.overflowing: "ขยะล้น",
}
STREAM_EN = {
    Stream.general: "General waste",
    Stream.organic: "Organic waste",
    Stream.recyclable: "Recyclables",
    Stream.hazardous: "Hazardous waste",
}
CONDITION_EN = {
    Condition.usable: "Usable",
    Condition.damaged: "Damaged",
    Condition.missing: "Missing",
    Condition.overflowing: "Overflowing",
}
