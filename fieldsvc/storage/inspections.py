"""Inspection history as a frame: one row per observation of a bin, oldest first.

Only what describes the bin and the observation leaves here: the surveyor is named by user id
(``inspector_id``), never by name or phone, and the free-text note is left out (people write
names and house numbers in it).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
from sqlmodel import Session, col, select

from fieldsvc.models import Bin, Inspection, Submission

INSPECTION_COLUMNS = [
    "inspection_id",
    "bin_id",
    "bin_code",
    "village_id",
    "observed_at",
    "recorded_at",
    "condition",
    "stream",
    "capacity_l",
    "households_served",
    "accuracy_m",
    "source",
    "channel",
    "submission_id",
    "inspector_id",
    "position",
]


def inspections_frame(*, session: Session) -> gpd.GeoDataFrame:
    """Every inspection as a point (EPSG:4326): where it was made when the survey had a
    location (``position = "observed"``), else at its bin (``position = "bin"``)."""
    query = (
        select(Inspection, Bin, Submission.submitter_id, Submission.channel)
        .join(Bin, col(Bin.id) == col(Inspection.bin_id))
        .outerjoin(Submission, col(Submission.id) == col(Inspection.submission_id))
        .order_by(col(Inspection.observed_at), col(Inspection.id))
    )
    records, lons, lats = [], [], []
    for inspection, bin_row, submitter_id, channel in session.exec(query):
        observed = inspection.lon is not None and inspection.lat is not None
        lons.append(inspection.lon if observed else bin_row.lon)
        lats.append(inspection.lat if observed else bin_row.lat)
        records.append(
            {
                "inspection_id": inspection.id,
                "bin_id": bin_row.id,
                "bin_code": bin_row.code,
                "village_id": bin_row.village_id,
                "observed_at": inspection.observed_at,
                "recorded_at": inspection.recorded_at,
                "condition": str(inspection.condition),
                "stream": str(inspection.stream or bin_row.stream),
                "capacity_l": inspection.capacity_l,
                "households_served": inspection.households_served,
                "accuracy_m": inspection.accuracy_m,
                "source": str(inspection.source),
                "channel": str(channel) if channel is not None else None,
                "submission_id": inspection.submission_id,
                "inspector_id": submitter_id,
                "position": "observed" if observed else "bin",
            }
        )
    frame = pd.DataFrame.from_records(records, columns=INSPECTION_COLUMNS)
    for column in ("village_id", "capacity_l", "households_served", "submission_id"):
        frame[column] = frame[column].astype("Int64")
    frame["inspector_id"] = frame["inspector_id"].astype("Int64")
    frame["accuracy_m"] = frame["accuracy_m"].astype("float64")
    return gpd.GeoDataFrame(frame, geometry=shapely.points(lons, lats), crs="EPSG:4326")
