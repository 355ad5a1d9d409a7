"""Following a published plan over HTTP: moving an item, recording its price, deciding a
suggested bin, and the plan's progress."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from fieldsvc.models import PlanItem, PlanItemStage
from fieldsvc.services.plan_progress import ItemProgress, PlanProgress, next_stage


class StageMoveIn(BaseModel):
    stage: PlanItemStage = Field(
        description="The next stage: ordered after approved, delivered after ordered "
        "(installed is reached by confirming bins)"
    )
    paid_baht: float | None = Field(
        default=None, ge=0, allow_inf_nan=False, description="Price paid for the whole row"
    )
    note: str | None = Field(default=None, max_length=500)


class PriceIn(BaseModel):
    paid_baht: float = Field(ge=0, allow_inf_nan=False, description="Price paid for the row")
    note: str | None = Field(default=None, max_length=500)


class BinDecisionIn(BaseModel):
    bin_code: str = Field(min_length=1, max_length=40, description="Code on the new bin")
    decision: Literal["confirm", "reject"] = "confirm"
    note: str | None = Field(default=None, max_length=500)


class SuggestedBinOut(BaseModel):
    code: str
    lon: float
    lat: float
    condition: str
    distance_m: float | None
    registered_at: datetime


class InstalledBinOut(BaseModel):
    code: str
    distance_m: float | None
    confirmed_at: datetime
    confirmed_by_id: int | None


class ItemEventOut(BaseModel):
    action: str
    at: datetime
    actor_id: int | None
    bin_id: int | None
    paid_baht: float | None
    note: str | None


class PlanItemOut(BaseModel):
    id: int
    line: int
    rank: int | None
    reason: str
    village_id: int | None
    stream: str
    capacity_l: int
    count: int
    lon: float | None
    lat: float | None
    stage: PlanItemStage
    next_stage: PlanItemStage | None
    planned_baht: float
    paid_baht: float | None
    cost_baht: float = Field(description="Price paid, else the planned cost")
    installed_bins: int
    installed: list[InstalledBinOut]
    suggestions: list[SuggestedBinOut]
    events: list[ItemEventOut]

    @classmethod
    def of(cls, row: ItemProgress) -> PlanItemOut:
        item = row.item
        assert item.id is not None
        return cls(
            id=item.id,
            line=item.line,
            rank=item.rank,
            reason=item.reason,
            village_id=item.village_id,
            stream=item.stream,
            capacity_l=item.capacity_l,
            count=item.count,
            lon=item.lon,
            lat=item.lat,
            stage=item.stage,
            next_stage=row.next_stage,
            planned_baht=item.planned_baht,
            paid_baht=item.paid_baht,
            cost_baht=row.cost_baht,
            installed_bins=row.installed_bins,
            installed=[
                InstalledBinOut.model_validate(b, from_attributes=True) for b in row.installed
            ],
            suggestions=[
                SuggestedBinOut(
                    code=c.bin.code,
                    lon=c.bin.lon,
                    lat=c.bin.lat,
                    condition=c.bin.condition,
                    distance_m=None if c.distance_m is None else round(c.distance_m, 1),
                    registered_at=c.bin.created_at,
                )
                for c in row.suggestions
            ],
            events=[ItemEventOut.model_validate(e, from_attributes=True) for e in row.events],
        )


class PlanItemStateOut(BaseModel):
    """An item after a change: its stage, the one stage it may move to next, its price."""

    id: int
    plan_id: int
    stage: PlanItemStage
    next_stage: PlanItemStage | None
    count: int
    planned_baht: float
    paid_baht: float | None

    @classmethod
    def of(cls, item: PlanItem) -> PlanItemStateOut:
        assert item.id is not None
        return cls(
            id=item.id,
            plan_id=item.plan_id,
            stage=item.stage,
            next_stage=next_stage(item.stage),
            count=item.count,
            planned_baht=item.planned_baht,
            paid_baht=item.paid_baht,
        )


class PlanProgressOut(BaseModel):
    plan_id: int
    status: str
    tolerance_m: float
    planned_bins: int
    installed_bins: int
    planned_baht: float
    committed_baht: float = Field(description="Rows ordered or later, at the price paid")
    spent_baht: float = Field(description="Rows delivered or later, at the price paid")
    budget_baht: float | None
    stages: dict[str, int]
    items: list[PlanItemOut]

    @classmethod
    def of(cls, progress: PlanProgress) -> PlanProgressOut:
        assert progress.plan.id is not None
        return cls(
            plan_id=progress.plan.id,
            status=progress.plan.status,
            tolerance_m=progress.tolerance_m,
            planned_bins=progress.planned_bins,
            installed_bins=progress.installed_bins,
            planned_baht=progress.planned_baht,
            committed_baht=progress.committed_baht,
            spent_baht=progress.spent_baht,
            budget_baht=progress.budget_baht,
            stages=progress.stage_counts,
            items=[PlanItemOut.of(row) for row in progress.items],
        )
