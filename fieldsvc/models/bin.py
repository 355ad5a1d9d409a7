"""Bins (assets) and the inspection events that make their history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, String
from sqlmodel import Field, SQLModel

from fieldsvc.models.enums import Condition, InspectionSource, Stream
from fieldsvc.models.types import UTCDateTime, utc_now


class BinBase(SQLModel):
    code: str = Field(max_length=40, description="Stable code on the bin's QR label")
    lon: float = Field(ge=-180, le=180, description="Longitude, WGS 84")
    lat: float = Field(ge=-90, le=90, description="Latitude, WGS 84")
    capacity_l: int = Field(gt=0, le=20000, description="Volume in litres")
    stream: Stream = Field(sa_column=Column(String(16), nullable=False))
    condition: Condition = Field(sa_column=Column(String(16), nullable=False))
    households_served: int | None = Field(default=None, ge=0)
    installed_on: date | None = None


class Bin(BinBase, table=True):
    """The current state of one physical bin; kept in step with its latest inspection."""

    __table_args__ = (Index("ix_bin_lat_lon", "lat", "lon"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    last_inspected_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    updated_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))


class BinCreate(BinBase):
    village_id: int | None = None


class BinPublic(BinBase):
    id: int
    village_id: int | None
    last_inspected_at: datetime | None


class InspectionBase(SQLModel):
    observed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    condition: Condition = Field(sa_column=Column(String(16), nullable=False))
    capacity_l: int | None = Field(default=None, gt=0)
    stream: Stream | None = Field(default=None, sa_column=Column(String(16)))
    lon: float | None = None
    lat: float | None = None
    accuracy_m: float | None = Field(default=None, ge=0)
    households_served: int | None = Field(default=None, ge=0)
    note: str | None = Field(default=None, max_length=2000)


class Inspection(InspectionBase, table=True):
    """One observation of a bin. Never updated or deleted: corrections are new rows."""

    id: int | None = Field(default=None, primary_key=True)
    bin_id: int = Field(foreign_key="bin.id", index=True)
    submission_id: int | None = Field(default=None, foreign_key="submission.id", index=True)
    source: InspectionSource = Field(sa_column=Column(String(24), nullable=False))
    recorded_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))


class InspectionPublic(InspectionBase):
    id: int
    bin_id: int
    submission_id: int | None
    source: InspectionSource
    recorded_at: datetime
