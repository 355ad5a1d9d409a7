"""The national picture: one run of an analysis over every subdistrict, and its results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from fieldsvc.models.types import UTCDateTime, utc_now


class NationalRun(SQLModel, table=True):
    """One ``fieldsvc coverage --all`` or ``allocate --all``: what was asked, how it ended.

    ``status`` is ``running`` until the last subdistrict is in, then ``done`` (all finished)
    or ``partial`` (some failed: their rows say why).
    """

    __tablename__ = "national_run"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_column=Column(String(16), nullable=False), description="coverage|allocate")
    status: str = Field(default="running", sa_column=Column(String(16), nullable=False))
    parameters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    cluster: str | None = Field(default=None, max_length=200, description="where it ran")
    subdistricts: int = 0
    finished: int = 0
    failed: int = 0
    started_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class NationalResult(SQLModel, table=True):
    """One subdistrict's result in a run, written by the task that computed it.

    ``summary`` is its row of the national table; ``villages`` the per-village table the
    single-subdistrict command shows; ``recommendations`` the funded items (allocation only).
    A failed subdistrict keeps ``status = "failed"`` and its ``error``.
    """

    __tablename__ = "national_result"
    __table_args__ = (
        UniqueConstraint("run_id", "subdistrict_id", name="uq_national_result_subdistrict"),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="national_run.id", index=True)
    subdistrict_id: int = Field(foreign_key="subdistrict.id", index=True)
    status: str = Field(sa_column=Column(String(16), nullable=False), description="done|failed")
    error: str | None = Field(default=None, sa_column=Column(Text))
    summary: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    villages: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    recommendations: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    seconds: float | None = Field(default=None, description="reading and analysing, seconds")
    worker: str | None = Field(default=None, max_length=200)
    computed_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
