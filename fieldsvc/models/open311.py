"""Partner apps allowed to send reports through Open311 GeoReport v2 (``POST requests``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from fieldsvc.models.types import UTCDateTime, utc_now


class Open311Key(SQLModel, table=True):
    """One partner app's API key. Only the key's SHA-256 is stored: the key itself is printed
    once, when it is made (``fieldsvc open311 key add NAME``). A revoked key stays listed (the
    reports it sent name its partner) but no longer works."""

    __tablename__ = "open311_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True, index=True, description="Partner name")
    key_hash: str = Field(max_length=64, unique=True, index=True)
    subdistrict_id: int | None = Field(
        default=None,
        foreign_key="subdistrict.id",
        index=True,
        description="The subdistrict whose reports the partner sends; None: any subdistrict",
    )
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
