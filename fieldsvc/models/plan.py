"""Saved allocation plans: versioned, with every parameter recorded, publishable; and the
items of a published plan followed from approval to installed bins."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from fieldsvc.models.enums import Stream
from fieldsvc.models.types import UTCDateTime, utc_now


class AllocationPlanRecord(SQLModel, table=True):
    """One run of the allocation engine, kept as it was computed (never recomputed in place).

    ``recommendations`` and ``deferred`` are lists of rows (reason, village, stream, size,
    count, site, households added, cost, rank); ``summary`` holds efficiency and equity side by
    side; ``parameters`` every input that shaped the result, so next year's plan can be
    reproduced and compared.
    """

    __tablename__ = "allocation_plan"
    __table_args__ = (
        UniqueConstraint("subdistrict_id", "version", name="uq_plan_subdistrict_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subdistrict_id: int | None = Field(default=None, foreign_key="subdistrict.id", index=True)
    version: int = Field(description="1, 2, 3 … in order of creation, per subdistrict")
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


class PlanItemStage(StrEnum):
    """Where one item of a published plan is, in the only order it may move."""

    approved = "approved"  # อนุมัติในแผนแล้ว
    ordered = "ordered"  # สั่งซื้อแล้ว
    delivered = "delivered"  # ตรวจรับแล้ว
    installed = "installed"  # ติดตั้งครบ (ยืนยันจากการสำรวจ)


#: The stages in order; an item moves one step forward at a time.
PLAN_ITEM_STAGES: tuple[PlanItemStage, ...] = tuple(PlanItemStage)
PLAN_ITEM_STAGE_TH = {
    PlanItemStage.approved: "อนุมัติแล้ว",
    PlanItemStage.ordered: "สั่งซื้อแล้ว",
    PlanItemStage.delivered: "ตรวจรับแล้ว",
    PlanItemStage.installed: "ติดตั้งแล้ว",
}
PLAN_ITEM_STAGE_EN = {
    PlanItemStage.approved: "approved",
    PlanItemStage.ordered: "ordered",
    PlanItemStage.delivered: "delivered",
    PlanItemStage.installed: "installed",
}


class PlanItem(SQLModel, table=True):
    """One funded row of a published plan (``recommendations[line]``), followed to the ground.

    The planned values are copied from the plan as published and never change; ``stage`` and
    ``paid_baht`` are kept in step with the item's append-only events (``PlanItemEvent``).
    ``paid_baht`` is the price actually paid for the whole row (None: the planned cost).
    """

    __tablename__ = "plan_item"
    __table_args__ = (UniqueConstraint("plan_id", "line", name="uq_plan_item_plan_line"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="allocation_plan.id", index=True)
    line: int = Field(ge=0, description="Position of the row in the plan's recommendations")
    rank: int | None = None
    reason: str = Field(max_length=16, description="replacement | capacity | coverage")
    village_id: int | None = Field(default=None, foreign_key="village.id")
    stream: Stream = Field(sa_column=Column(String(16), nullable=False))
    capacity_l: int = Field(gt=0)
    count: int = Field(ge=1, description="Bins of this row")
    replaces_bin_id: int | None = Field(default=None, foreign_key="bin.id")
    lon: float | None = None
    lat: float | None = None
    planned_baht: float = Field(default=0.0, ge=0)
    paid_baht: float | None = Field(default=None, ge=0)
    stage: PlanItemStage = Field(
        default=PlanItemStage.approved, sa_column=Column(String(16), nullable=False)
    )
    approved_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    updated_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))


class PlanItemEvent(SQLModel, table=True):
    """Append-only history of an item: each stage reached, bins confirmed or turned down,
    prices recorded — with who (None: the system, e.g. items made for an earlier plan) and
    when."""

    __tablename__ = "plan_item_event"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="plan_item.id", index=True)
    action: str = Field(
        max_length=24, description="approved | ordered | delivered | installed | bin_confirmed …"
    )
    bin_id: int | None = Field(default=None, foreign_key="bin.id")
    paid_baht: float | None = None
    note: str | None = Field(default=None, sa_column=Column(Text))
    actor_id: int | None = Field(default=None, foreign_key="appuser.id")
    at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))


class PlanItemBin(SQLModel, table=True):
    """A registered bin confirmed by staff as one of the bins an item planned (a bin counts
    for one item only)."""

    __tablename__ = "plan_item_bin"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="plan_item.id", index=True)
    bin_id: int = Field(foreign_key="bin.id", unique=True, index=True)
    distance_m: float | None = Field(default=None, ge=0)
    confirmed_by_id: int | None = Field(default=None, foreign_key="appuser.id")
    confirmed_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
