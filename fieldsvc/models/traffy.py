"""Tickets imported from Traffy Fondue's public export: their own read-only layer.

A ticket is kept as the export gives it (the photo URLs are text and are never fetched); a
later import of the same ``ticket_id`` updates what changes on Traffy (state, last activity,
rating, reopen count, after-photo) and never adds a second row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from fieldsvc.models.types import UTCDateTime, utc_now


class TraffyTicket(SQLModel, table=True):
    """One Traffy Fondue ticket about cleanliness or waste inside the subdistrict.

    ``types`` is Traffy's type list without braces, comma-separated (``ความสะอาด,ถนน``).
    ``comment`` is the reporter's text: it can name people, so the layer is staff-only.
    """

    __tablename__ = "traffy_ticket"
    __table_args__ = (Index("ix_traffy_ticket_lat_lon", "lat", "lon"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: str = Field(max_length=40, unique=True, index=True, description="Traffy's id")
    types: str | None = Field(default=None, max_length=300)
    organization: str | None = Field(default=None, sa_column=Column(Text))
    comment: str | None = Field(default=None, sa_column=Column(Text))
    photo_url: str | None = Field(default=None, max_length=1000, description="never fetched")
    photo_after_url: str | None = Field(default=None, max_length=1000)
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    address: str | None = Field(default=None, max_length=500)
    subdistrict: str | None = Field(default=None, max_length=200)
    district: str | None = Field(default=None, max_length=200)
    province: str | None = Field(default=None, max_length=200)
    reported_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    state: str | None = Field(default=None, max_length=40, description="Traffy's state, Thai")
    star: float | None = Field(default=None)
    count_reopen: int | None = Field(default=None)
    last_activity: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    subdistrict_id: int | None = Field(default=None, foreign_key="subdistrict.id", index=True)
    imported_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    last_seen_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    last_seen_file: str | None = Field(
        default=None, max_length=200, description="the export file it was last seen in"
    )
