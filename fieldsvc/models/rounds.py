"""Inspection-round policy overrides: how often bins of a village and/or stream are inspected
(the defaults are the ``FIELDSVC_ROUNDS_*`` settings)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from fieldsvc.models.types import UTCDateTime, utc_now


class InspectionPolicy(SQLModel, table=True):
    """One override row: a village, a stream, or both (a missing one means any). An interval
    left empty is not set at this level (a less specific row or the default applies)."""

    __tablename__ = "inspection_policy"

    id: int | None = Field(default=None, primary_key=True)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    stream: str | None = Field(default=None, sa_column=Column(String(16)))
    usable_days: int | None = Field(default=None, gt=0, le=366)
    attention_days: int | None = Field(default=None, gt=0, le=366)
    missing_days: int | None = Field(default=None, ge=0, le=366)
    updated_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    updated_by: str | None = Field(default=None, max_length=120)
