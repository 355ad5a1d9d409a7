"""Work orders for the public-health division's mobile service unit, and their history.

An inspection that finds a bin damaged, missing or overflowing opens an order of the matching
kind (repair, replace, extra collection); staff assign it, the unit marks it done, and a later
inspection that finds the bin usable verifies it (or one still finding the problem reopens it).
A bin has at most one open order per kind: the partial unique index below says so in the
database too (SQLite and PostgreSQL both support ``CREATE UNIQUE INDEX … WHERE``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String, Text, text
from sqlmodel import Field, SQLModel

from fieldsvc.models.enums import Condition
from fieldsvc.models.types import UTCDateTime, utc_now


class WorkOrderKind(StrEnum):
    """What the unit is asked to do."""

    repair = "repair"  # ซ่อมถัง — the bin was found damaged
    # (named replace_bin: a member called "replace" would hide str.replace)
    replace_bin = "replace"  # ตั้งถังใหม่แทน — the bin was found missing
    extra_collection = "extra_collection"  # เก็บขยะเพิ่ม — the bin was found overflowing


class WorkOrderStatus(StrEnum):
    """open → assigned → done → verified; a later inspection still finding the problem after
    ``done`` makes it ``reopened`` (then assigned / done again). ``cancelled`` by staff."""

    open = "open"
    assigned = "assigned"
    done = "done"
    verified = "verified"
    reopened = "reopened"
    cancelled = "cancelled"


#: The inspection finding that opens each kind of order.
KIND_OF_CONDITION = {
    Condition.damaged: WorkOrderKind.repair,
    Condition.missing: WorkOrderKind.replace_bin,
    Condition.overflowing: WorkOrderKind.extra_collection,
}
#: Orders still to be finished (an order is "open" in the one-per-kind rule while in these).
OPEN_STATUSES = (
    WorkOrderStatus.open,
    WorkOrderStatus.assigned,
    WorkOrderStatus.done,
    WorkOrderStatus.reopened,
)
#: Orders whose work is not done yet (these can be overdue).
WAITING_STATUSES = (WorkOrderStatus.open, WorkOrderStatus.assigned, WorkOrderStatus.reopened)

_OPEN_SQL = "status IN ('open', 'assigned', 'done', 'reopened')"


class WorkOrder(SQLModel, table=True):
    """One job for the service unit at one bin; ``status`` and the times move, the history of
    every move (who, when) is in ``work_order_event``."""

    __tablename__ = "work_order"
    __table_args__ = (
        Index(
            "ux_work_order_open_per_kind",
            "bin_id",
            "kind",
            unique=True,
            sqlite_where=text(_OPEN_SQL),
            postgresql_where=text(_OPEN_SQL),
        ),
        Index("ix_work_order_status_clock", "status", "clock_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    bin_id: int = Field(foreign_key="bin.id", index=True)
    village_id: int | None = Field(default=None, foreign_key="village.id", index=True)
    subdistrict_id: int | None = Field(default=None, foreign_key="subdistrict.id", index=True)
    kind: WorkOrderKind = Field(sa_column=Column(String(24), nullable=False))
    status: WorkOrderStatus = Field(
        default=WorkOrderStatus.open, sa_column=Column(String(16), nullable=False)
    )
    reason: str = Field(max_length=24, description="inspection | citizen_report | staff")
    inspection_id: int | None = Field(
        default=None, foreign_key="inspection.id", description="The inspection that opened it"
    )
    opened_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # When the target time started running: opened, or last reopened. The due time is this
    # plus the kind's target (settings), so the office can change targets without a migration.
    clock_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    assigned_to_id: int | None = Field(default=None, foreign_key="appuser.id", index=True)
    assigned_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    found_usable_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
    updated_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))


class WorkOrderEvent(SQLModel, table=True):
    """Append-only history of an order: opened, seen_again, assigned, done, found_usable,
    verified, reopened, cancelled. ``at`` is when it happened (an inspection's observation
    time, a phone's "done" tap), ``recorded_at`` when the server learnt it. ``mark_id`` is the
    phone's id for a "done" mark: a re-sent mark is recognised and makes no second event."""

    __tablename__ = "work_order_event"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="work_order.id", index=True)
    action: str = Field(max_length=16)
    status: WorkOrderStatus = Field(sa_column=Column(String(16), nullable=False))
    actor_id: int | None = Field(default=None, foreign_key="appuser.id")
    inspection_id: int | None = Field(default=None, foreign_key="inspection.id")
    assigned_to_id: int | None = Field(default=None, foreign_key="appuser.id")
    mark_id: str | None = Field(default=None, max_length=64, unique=True)
    note: str | None = Field(default=None, sa_column=Column(Text))
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    recorded_at: datetime = Field(default_factory=utc_now, sa_column=Column(UTCDateTime()))
