"""Bins (assets) and the inspection events that make their history."""

from __future__ import annotations

from datetime import date, datetime
from uuid import uuid4

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


def new_entity_id() -> str:
    """A fresh ODK entity id (a UUID, as Collect makes them for new entities)."""
    return str(uuid4())


class Bin(BinBase, table=True):
    """The current state of one physical bin; kept in step with its latest inspection."""

    __table_args__ = (Index("ix_bin_lat_lon", "lat", "lon"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    subdistrict_id: int | None = Field(default=None, foreign_key="subdistrict.id", index=True)
    last_inspected_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    updated_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    # The bin as an ODK entity (list ``bins``): a stable UUID, and the version the phones'
    # list shows (``__version``), one more for every inspection applied to the bin.
    entity_id: str = Field(default_factory=new_entity_id, max_length=36, unique=True, index=True)
    entity_version: int = Field(default=1, ge=1)


class BinCreate(BinBase):
    village_id: int | None = None
    entity_id: str = Field(default_factory=new_entity_id, max_length=36)


class EntityUpdate(SQLModel, table=True):
    """What a Collect submission said about the entity it creates or updates (``<meta><entity
    …>``), kept beside the survey: which bin, built on which version, from which offline branch,
    and the version it made once applied (None while held)."""

    __tablename__ = "entity_update"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", unique=True, index=True)
    bin_id: int | None = Field(default=None, foreign_key="bin.id", index=True)
    dataset: str = Field(max_length=64)
    entity_id: str = Field(max_length=64)
    action: str = Field(max_length=8, description="create | update")
    base_version: int | None = None
    trunk_version: int | None = None
    branch_id: str | None = Field(default=None, max_length=64)
    made_version: int | None = None


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
