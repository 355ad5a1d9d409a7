"""Saved allocation plans: versioned, with every parameter recorded, publishable."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from fieldsvc.models.types import UTCDateTime, utc_now


class AllocationPlanRecord(SQLModel, table=True):
    """One run of the allocation engine, kept as it was computed (never recomputed in place).

    ``recommendations`` and ``deferred`` are lists of rows (reason, village, stream, size,
    count, site, households added, cost, rank); ``summary`` holds efficiency and equity side by
    side; ``parameters`` every input that shaped the result, so next year's plan can be
    reproduced and compared.
    """

    __tablename__ = "allocation_plan"

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(unique=True, description="1, 2, 3 … in order of creation")
    title: str = Field(max_length=300)
    fiscal_year_be: int = Field(description="ปีงบประมาณ (พ.ศ.), October–September")
    status: str = Field(default="draft", sa_column=Column(String(16), nullable=False))
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    created_by_id: int | None = Field(default=None, foreign_key="appuser.id")
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    budget_baht: float | None = None
    spent_baht: float = 0.0
    parameters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    summary: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    villages: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    recommendations: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    deferred: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
