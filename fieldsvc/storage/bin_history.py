"""The inspection history as the analysis of past days reads it (no personal data)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session, col

from fieldsvc.models import Inspection

HISTORY_COLUMNS = ["bin_id", "observed_at", "condition", "capacity_l", "stream", "lon", "lat"]


def history_frame(*, session: Session, observed_before: datetime | None = None) -> pd.DataFrame:
    """Every inspection's observed values, in id order (the order they were recorded).

    ``capacity_l``, ``stream``, ``lon`` and ``lat`` are empty where the inspection did not
    observe them; ``observed_at`` is timezone-aware (UTC). ``observed_before`` keeps only the
    observations made before that instant.
    """
    query = select(
        col(Inspection.bin_id),
        col(Inspection.observed_at),
        col(Inspection.condition),
        col(Inspection.capacity_l),
        col(Inspection.stream),
        col(Inspection.lon),
        col(Inspection.lat),
    ).order_by(col(Inspection.id))
    if observed_before is not None:
        query = query.where(col(Inspection.observed_at) < observed_before)
    rows = session.execute(query).all()
    frame = pd.DataFrame.from_records(rows, columns=HISTORY_COLUMNS)
    frame["observed_at"] = pd.to_datetime(frame["observed_at"], utc=True)
    frame["condition"] = frame["condition"].astype(str)
    frame["stream"] = frame["stream"].astype(object).where(frame["stream"].notna(), None)
    for column in ("capacity_l", "lon", "lat"):
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    return frame
