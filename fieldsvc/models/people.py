"""Households (demand points) and users. Both hold personal data: never on public pages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Float, String
from sqlmodel import Field, SQLModel

from fieldsvc.models.enums import HouseholdSource, Role
from fieldsvc.models.types import UTCDateTime, utc_now


class Household(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(max_length=80, unique=True, description="External id, for idempotent import")
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    lon: float
    lat: float
    persons: float | None = Field(default=None, ge=0)
    house_no: str | None = Field(default=None, max_length=40, description="Personal data")
    source: HouseholdSource = Field(
        default=HouseholdSource.survey,
        sa_column=Column(String(16), nullable=False, server_default="survey", index=True),
        description="'survey': a surveyed house; 'building': a footprint proxy (migration 0007)",
    )
    weight: float = Field(
        default=1.0,
        ge=0,
        sa_column=Column(Float, nullable=False, server_default="1"),
        description="Households this point stands for (a building: registered houses / buildings)",
    )


class UserVillage(SQLModel, table=True):
    user_id: int = Field(foreign_key="appuser.id", primary_key=True)
    village_id: int = Field(foreign_key="village.id", primary_key=True)


class UserSubdistrict(SQLModel, table=True):
    """A subdistrict a health-staff member, viewer or admin works for (migration 0020).

    A user with no row here works for every subdistrict of the install (the single-office
    install, and a provincial officer made with ``--all-subdistricts``). Village heads are
    scoped by their villages (``UserVillage``) instead.
    """

    __tablename__ = "user_subdistrict"

    user_id: int = Field(foreign_key="appuser.id", primary_key=True)
    subdistrict_id: int = Field(foreign_key="subdistrict.id", primary_key=True, index=True)


class User(SQLModel, table=True):
    __tablename__ = "appuser"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True)
    display_name: str = Field(max_length=200)
    phone: str | None = Field(default=None, max_length=40, description="Personal data")
    role: Role = Field(sa_column=Column(String(16), nullable=False))
    token_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)
    token_created_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    token_expires_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime()), description="None: the token never expires"
    )
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))


class SignInSession(SQLModel, table=True):
    """A browser signed in with a token: the cookie holds only the random session id, the
    database only its SHA-256. Expiry (idle and absolute) is counted from the times here with
    the settings of the day, so changing the settings applies to open sessions too."""

    __tablename__ = "signin_session"

    id: int | None = Field(default=None, primary_key=True)
    session_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="appuser.id", index=True)
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    last_seen_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
