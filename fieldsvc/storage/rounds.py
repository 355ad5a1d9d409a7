"""Inspection-round policy overrides: read as a frame, set one row."""

from __future__ import annotations

import pandas as pd
from sqlmodel import Session, col, select

from fieldsvc.models import InspectionPolicy
from fieldsvc.models.types import utc_now

POLICY_COLUMNS = ["village_id", "stream", "usable_days", "attention_days", "missing_days"]


def policy_overrides_frame(*, session: Session) -> pd.DataFrame:
    """Every override row (``village_id`` and ``stream`` missing = any)."""
    rows = session.exec(select(InspectionPolicy).order_by(col(InspectionPolicy.id))).all()
    return pd.DataFrame.from_records(
        [{c: getattr(r, c) for c in POLICY_COLUMNS} for r in rows], columns=POLICY_COLUMNS
    ).astype("object")


def policy_row(
    *, session: Session, village_id: int | None, stream: str | None
) -> InspectionPolicy | None:
    """The override of exactly this village and stream (None = any), if set."""
    query = select(InspectionPolicy)
    query = query.where(
        col(InspectionPolicy.village_id).is_(None)
        if village_id is None
        else InspectionPolicy.village_id == village_id
    )
    query = query.where(
        col(InspectionPolicy.stream).is_(None)
        if stream is None
        else InspectionPolicy.stream == stream
    )
    return session.exec(query).first()


def put_policy(
    *,
    session: Session,
    village_id: int | None,
    stream: str | None,
    usable_days: int | None,
    attention_days: int | None,
    missing_days: int | None,
    updated_by: str | None,
) -> InspectionPolicy:
    """Create or replace the override of this village and stream."""
    row = policy_row(session=session, village_id=village_id, stream=stream)
    if row is None:
        row = InspectionPolicy(village_id=village_id, stream=stream)
    row.usable_days = usable_days
    row.attention_days = attention_days
    row.missing_days = missing_days
    row.updated_at = utc_now()
    row.updated_by = updated_by
    session.add(row)
    session.flush()
    return row


def delete_policy(*, session: Session, village_id: int | None, stream: str | None) -> bool:
    """Remove the override of this village and stream; False when there was none."""
    row = policy_row(session=session, village_id=village_id, stream=stream)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True
