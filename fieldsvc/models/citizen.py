"""Reports from residents (the public report page, Open311 partner apps) and their history."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String, Text
from sqlmodel import Field, SQLModel

from fieldsvc.models.types import UTCDateTime, utc_now


class ReportKind(StrEnum):
    """What the resident says is wrong; also the Open311 ``service_code``."""

    bin_full = "bin_full"  # ถังเต็ม / ขยะล้น
    bin_broken = "bin_broken"  # ถังชำรุด
    bin_missing = "bin_missing"  # ถังหาย
    bin_request = "bin_request"  # ขอให้ตั้งถังตรงนี้
    dumping = "dumping"  # ทิ้งขยะไม่เป็นที่


class ReportStatus(StrEnum):
    """Where the office is with the report (the resident's status page shows these)."""

    received = "received"
    in_progress = "in_progress"
    done = "done"


class ReportVisibility(StrEnum):
    """Moderation: a report is public only once accepted (or at once, if the office chooses)."""

    pending = "pending"
    public = "public"
    hidden = "hidden"


class CitizenReport(SQLModel, table=True):
    """One report from a resident, kept as sent; staff work moves ``status`` and adds events.

    Contact fields (``contact_name``, ``contact_phone``, ``contact_email``) are never shown on
    a public page, file or API answer, and are erased after the retention period
    (``contact_erased_at``). ``client_hash`` and ``device_hash`` are salted hashes used only
    for rate limits, never the address itself.
    """

    __tablename__ = "citizen_report"
    __table_args__ = (Index("ix_citizen_report_lat_lon", "lat", "lon"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket: str = Field(max_length=32, unique=True, index=True, description="Public number")
    access_key: str = Field(
        max_length=32, description="Secret in the resident's status link (before moderation)"
    )
    kind: ReportKind = Field(sa_column=Column(String(24), nullable=False))
    description: str | None = Field(default=None, sa_column=Column(Text))
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    accuracy_m: float | None = Field(default=None, ge=0)
    located_by: str = Field(default="gps", max_length=8, description="gps | map | address")
    address: str | None = Field(default=None, max_length=500)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    subdistrict_id: int | None = Field(default=None, foreign_key="subdistrict.id", index=True)
    bin_id: int | None = Field(default=None, foreign_key="bin.id", index=True)
    duplicate_of_id: int | None = Field(default=None, foreign_key="citizen_report.id")
    status: ReportStatus = Field(
        default=ReportStatus.received, sa_column=Column(String(16), nullable=False)
    )
    visibility: ReportVisibility = Field(
        default=ReportVisibility.pending, sa_column=Column(String(16), nullable=False)
    )
    public_reply: str | None = Field(default=None, sa_column=Column(Text))
    channel: str = Field(default="web", max_length=16, description="web | open311")
    partner: str | None = Field(default=None, max_length=80, description="Open311 API key name")
    photo_sha256: str | None = Field(default=None, max_length=64)
    photo_media_type: str | None = Field(default=None, max_length=80)
    contact_name: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, max_length=40)
    contact_email: str | None = Field(default=None, max_length=200)
    contact_erased_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    client_hash: str | None = Field(default=None, max_length=64, index=True)
    device_hash: str | None = Field(default=None, max_length=64, index=True)
    draft_id: str | None = Field(
        default=None,
        max_length=64,
        unique=True,
        index=True,
        description="Phone draft id: a re-send is one",
    )
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    updated_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class CitizenReportEvent(SQLModel, table=True):
    """Append-only history of a report: status moves, replies, links, merges, moderation."""

    __tablename__ = "citizen_report_event"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="citizen_report.id", index=True)
    action: str = Field(max_length=24, description="created | status | reply | link | merge | …")
    detail: str | None = Field(default=None, sa_column=Column(Text))
    actor_id: int | None = Field(default=None, foreign_key="appuser.id")
    at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
