"""Work orders over HTTP: the list and counts, one order's history, and the unit's moves."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class OrderOut(BaseModel):
    id: int
    bin_id: int
    bin_code: str
    lon: float
    lat: float
    village_id: int | None
    village_number: int | None
    kind: str
    status: str
    opened_at: datetime
    due_at: datetime
    overdue: bool
    assigned_to_id: int | None
    assigned_to: str | None
    done_at: datetime | None
    found_usable_at: datetime | None
    closed_at: datetime | None


class BoardOut(BaseModel):
    orders: list[OrderOut]
    open_by_kind: dict[str, int]
    overdue_by_kind: dict[str, int]
    overdue: int


class EventOut(BaseModel):
    action: str
    status: str
    actor_id: int | None
    inspection_id: int | None
    assigned_to_id: int | None
    note: str | None
    at: datetime
    recorded_at: datetime


class AssignIn(BaseModel):
    assignee_id: int = Field(description="The health-staff user who will do the work")
    note: str | None = Field(default=None, max_length=1000)


class DoneIn(BaseModel):
    mark_id: str = Field(max_length=64, description="The phone's id for this mark (re-sent: same)")
    done_at: datetime | None = Field(default=None, description="When the work was done (phone)")
    note: str | None = Field(default=None, max_length=1000)


class CancelIn(BaseModel):
    note: str | None = Field(default=None, max_length=1000)


class MoveOut(BaseModel):
    order: OrderOut
    repeated: bool = False
