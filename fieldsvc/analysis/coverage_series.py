"""Coverage and capacity through time: the coverage engine run on the register of past days.

:func:`coverage_series` rebuilds the register at every day in one pass over the history
(:func:`~fieldsvc.analysis.history.bins_at_dates`) and runs
:func:`~fieldsvc.analysis.coverage.coverage_by_village` on each day's bins; the households
and villages are those of today (the history records bins, not households).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, tzinfo
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from fieldsvc.analysis.coverage import coverage_by_village
from fieldsvc.analysis.crs import choose_metric_crs
from fieldsvc.analysis.history import bins_at_dates

#: Columns of a coverage series, one row per day × village × stream.
SERIES_COLUMNS = [
    "as_of",
    "village_id",
    "number",
    "name",
    "stream",
    "households",
    "households_located",
    "households_covered",
    "covered_share",
    "waste_kg_per_cycle",
    "usable_capacity_kg",
    "capacity_ratio",
    "bins_total",
    "bins_usable",
    "bins_serving",
    "bins_damaged",
    "bins_missing",
    "bins_overflowing",
    "usable_bin_share",
]

_SUMMED = [
    "households",
    "households_located",
    "households_covered",
    "waste_kg_per_cycle",
    "usable_capacity_kg",
    "bins_total",
    "bins_usable",
    "bins_serving",
    "bins_damaged",
    "bins_missing",
    "bins_overflowing",
]


def series_rows(as_of: date, by_village: pd.DataFrame) -> pd.DataFrame:
    """The series columns of one day's ``CoverageResult.by_village``."""
    rows = by_village.copy()
    rows.insert(0, "as_of", as_of)
    total = rows["bins_total"].to_numpy(float)
    rows["usable_bin_share"] = np.where(
        total > 0, rows["bins_usable"].to_numpy(float) / np.maximum(total, 1), np.nan
    )
    return pd.DataFrame(rows[SERIES_COLUMNS])


def coverage_series(
    villages: pd.DataFrame,
    bins: gpd.GeoDataFrame,
    inspections: pd.DataFrame,
    households: gpd.GeoDataFrame | None,
    days: Sequence[date],
    *,
    tz: tzinfo | str,
    **coverage_options: Any,
) -> pd.DataFrame:
    """Coverage and capacity per village and stream at each of ``days``.

    Parameters
    ----------
    villages, households
        As for :func:`~fieldsvc.analysis.coverage.coverage_by_village` (today's).
    bins, inspections, tz
        The register now and its inspection history
        (see :func:`~fieldsvc.analysis.history.bins_as_of`).
    days
        The days, e.g. the twelve month-ends of a fiscal year.
    **coverage_options
        Passed to ``coverage_by_village`` (``radius_m``, ``detour_factor``, ``sizing``,
        ``streams`` …). Uncovered clusters are not built (a series does not map them).

    Returns
    -------
    pandas.DataFrame
        :data:`SERIES_COLUMNS`: per day × village × stream, households within reach
        (``households_covered``, ``covered_share`` 0–1), usable capacity against the
        waste of a collection cycle (kg, ``capacity_ratio``), bins by condition and
        ``usable_bin_share`` (usable / all bins, 0–1). Every stream present at any day is
        reported on every day.
    """
    states = bins_at_dates(bins, inspections, days, tz=tz)
    # Project once for all days: the engine keeps a projected CRS in metres as it is, so each
    # month skips choosing the zone and transforming the households again.
    geo_villages = villages if isinstance(villages, gpd.GeoDataFrame) else None
    metric_crs = choose_metric_crs([bins, households, geo_villages])
    states = states.to_crs(metric_crs)
    if households is not None:
        households = households.to_crs(metric_crs)
    if geo_villages is not None and geo_villages.crs is not None:
        villages = geo_villages.to_crs(metric_crs)
    options = {"cluster_streams": (), **coverage_options}
    if "streams" not in options:
        present = set(states["stream"].unique()) | set(bins["stream"].unique()) | {"general"}
        order = ["general", "organic", "recyclable", "hazardous"]
        options["streams"] = [s for s in order if s in present]
    frames = []
    day_of_row = states["as_of"].to_numpy()
    for day in days:
        day_bins = states[day_of_row == day].drop(columns="as_of")
        result = coverage_by_village(villages, day_bins, households, **options)
        frames.append(series_rows(day, result.by_village))
    if not frames:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def series_totals(series: pd.DataFrame) -> pd.DataFrame:
    """The whole area per day and stream: sums of :func:`coverage_series` over villages.

    ``covered_share`` is covered / located households over villages whose households have
    points; ``capacity_ratio`` is usable capacity / waste over all villages.
    """
    located = series["households_located"].where(series["covered_share"].notna(), 0.0)
    work = series.assign(_located=located)
    grouped = work.groupby(["as_of", "stream"], sort=False)
    totals = grouped[_SUMMED].sum(min_count=1).join(grouped["_located"].sum())
    totals = totals.reset_index()
    loc = totals.pop("_located").to_numpy(float)
    totals["covered_share"] = np.where(
        loc > 0, totals["households_covered"].to_numpy(float) / np.maximum(loc, 1), np.nan
    )
    waste = totals["waste_kg_per_cycle"].to_numpy(float)
    totals["capacity_ratio"] = np.where(
        waste > 0,
        totals["usable_capacity_kg"].to_numpy(float) / np.where(waste > 0, waste, 1),
        np.nan,
    )
    total = totals["bins_total"].to_numpy(float)
    totals["usable_bin_share"] = np.where(
        total > 0, totals["bins_usable"].to_numpy(float) / np.maximum(total, 1), np.nan
    )
    return totals
