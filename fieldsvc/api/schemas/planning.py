"""Allocation plans over HTTP: the request that runs one, and a saved plan's summary and detail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, model_validator

from fieldsvc.models import AllocationPlanRecord


class AllocationRequest(BaseModel):
    budget_baht: float | None = Field(default=None, ge=0, description="Money available, baht")
    max_new_bins: int | None = Field(default=None, ge=0, description="Bins available")
    equity_floor_share: float = Field(default=0.5, ge=0, le=1)
    radius_m: float | None = Field(default=None, gt=0, le=5000)
    title: str | None = Field(default=None, max_length=300)

    @model_validator(mode="after")
    def _one_limit(self) -> AllocationRequest:
        if self.budget_baht is None and self.max_new_bins is None:
            raise ValueError("give budget_baht or max_new_bins")
        return self


class PlanSummary(BaseModel):
    id: int
    version: int
    title: str
    fiscal_year_be: int
    status: str
    created_at: datetime
    published_at: datetime | None
    budget_baht: float | None
    spent_baht: float
    items: int

    @model_validator(mode="before")
    @classmethod
    def _from_record(cls, data: Any) -> Any:
        if not isinstance(data, AllocationPlanRecord):
            return data
        return {**data.model_dump(), "items": len(data.recommendations)}


class PlanDetail(PlanSummary):
    parameters: dict[str, Any]
    summary: list[dict[str, Any]]
    villages: list[dict[str, Any]]
    recommendations: list[dict[str, Any]]
    deferred: list[dict[str, Any]]
