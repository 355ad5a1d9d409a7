"""Helpers for work-order tests: inspections at hand-chosen times, through the register."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, col, select

from fieldsvc.models import Bin, Condition, Inspection, InspectionSource, WorkOrder
from fieldsvc.models.work_order import WorkOrderEvent
from fieldsvc.storage.register import record_inspection
from tests.intake.conftest import Place, make_place


def at(day: int, hour: int = 2, month: int = 11) -> datetime:
    """A UTC moment in 2026 (02:00 UTC is 09:00 Thai time)."""
    return datetime(2026, month, day, hour, tzinfo=UTC)


def inspect(session: Session, bin_row: Bin, condition: Condition, when: datetime) -> Inspection:
    made = record_inspection(
        session=session,
        bin_row=bin_row,
        inspection=Inspection(
            bin_id=bin_row.id or 0,
            observed_at=when,
            condition=condition,
            source=InspectionSource.survey,
        ),
    )
    session.commit()
    return made


def orders(session: Session) -> list[WorkOrder]:
    return list(session.exec(select(WorkOrder).order_by(col(WorkOrder.id))))


def actions(session: Session, order_id: int) -> list[str]:
    query = (
        select(WorkOrderEvent.action)
        .where(WorkOrderEvent.order_id == order_id)
        .order_by(col(WorkOrderEvent.id))
    )
    return list(session.exec(query))


@pytest.fixture
def place(session: Session) -> Place:
    return make_place(session)
