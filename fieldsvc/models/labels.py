"""Bin codes printed on QR stickers before any bin carries them (fresh codes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from fieldsvc.models.types import UTCDateTime, utc_now


class IssuedCode(SQLModel, table=True):
    """A code reserved for a village and printed on a sticker; ``used_at`` is set when a survey
    registers a new bin under it. A code is issued once: the column is unique, and codes that a
    bin already carries are never issued."""

    __tablename__ = "issued_code"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    village_id: int = Field(foreign_key="village.id", index=True)
    issued_by_id: int | None = Field(
        default=None, foreign_key="appuser.id", description="None: issued from the command line"
    )
    issued_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    bin_id: int | None = Field(default=None, foreign_key="bin.id")
