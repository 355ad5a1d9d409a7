"""A seeded synthetic inspection history over two fiscal years (2569–2570)."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from bench.synthetic import CONDITION_P, CONDITIONS, DEG_PER_KM_LAT, DEG_PER_KM_LON, make_inputs
from fieldsvc.analysis.history import bins_as_of
from fieldsvc.thai import THAI_TZ

START = pd.Timestamp("2025-10-01T00:00Z")
END = pd.Timestamp("2027-10-31T00:00Z")


def make_history(
    n_bins: int = 100_000,
    n_inspections: int = 2_000_000,
    n_villages: int = 2_000,
    n_households: int = 300_000,
    seed: int = 2570,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    """Villages, the register today, its inspection history and households.

    Each bin is created (first inspection, every value given) at a random time of the two
    years; 30 % also carry an ``installed_on`` up to 60 days earlier. The other inspections
    fall at random times after their bin's creation: random condition, size/stream/position
    left empty 40 % of the time, 2 % move the bin up to ~200 m, times on the hour (ties).
    0.5 % name a bin no longer in the register.
    """
    villages, bins, households = make_inputs(n_villages, n_households, n_bins, seed=seed)
    rng = np.random.default_rng(seed + 1)
    span_s = int((END - START).total_seconds())
    created_s = rng.integers(0, int(span_s * 0.9), n_bins)
    n_more = max(n_inspections - n_bins, 0)
    which = rng.integers(0, n_bins, n_more)
    after = created_s[which] + (rng.random(n_more) * (span_s - created_s[which])).astype(np.int64)
    after = after // 3600 * 3600
    at_s = np.concatenate([created_s, after])
    bin_row = np.concatenate([np.arange(n_bins), which])
    first = np.arange(len(at_s)) < n_bins
    lon0 = bins.geometry.x.to_numpy()[bin_row]
    lat0 = bins.geometry.y.to_numpy()[bin_row]
    moved = rng.random(len(at_s)) < 0.02
    lon = lon0 + np.where(moved, rng.normal(0, 0.15, len(at_s)) * DEG_PER_KM_LON, 0.0)
    lat = lat0 + np.where(moved, rng.normal(0, 0.15, len(at_s)) * DEG_PER_KM_LAT, 0.0)
    empty = (rng.random(len(at_s)) < 0.4) & ~first
    capacity = bins["capacity_l"].to_numpy(float)[bin_row]
    stream = bins["stream"].to_numpy(object)[bin_row].copy()
    stream[empty] = None
    bin_id = bins["bin_id"].to_numpy()[bin_row].copy()
    gone = (rng.random(len(at_s)) < 0.005) & ~first
    bin_id[gone] = -1 - np.arange(int(gone.sum()))
    order = np.argsort(at_s, kind="stable")  # ids follow recording order, roughly by time
    inspections = pd.DataFrame(
        {
            "bin_id": bin_id,
            "observed_at": START + pd.to_timedelta(at_s, unit="s"),
            "condition": rng.choice(CONDITIONS, len(at_s), p=CONDITION_P),
            "capacity_l": np.where(empty, np.nan, capacity),
            "stream": stream,
            "lon": np.where(empty, np.nan, lon),
            "lat": np.where(empty, np.nan, lat),
        }
    ).iloc[order]
    inspections = inspections.reset_index(drop=True)
    created_day = (START + pd.to_timedelta(created_s, unit="s")).tz_convert("Asia/Bangkok")
    installed = (created_day - pd.to_timedelta(rng.integers(0, 60, n_bins), unit="D")).date
    bins = bins.assign(
        installed_on=np.where(rng.random(n_bins) < 0.3, installed, None),
    )
    # The register today is the latest state of every bin.
    today = bins_as_of(bins, inspections, date(2027, 10, 31), tz=THAI_TZ)
    today = today.set_index("bin_id").reindex(bins["bin_id"]).reset_index()
    current = gpd.GeoDataFrame(today, geometry="geometry", crs=4326)
    current["installed_on"] = bins["installed_on"].to_numpy()
    return villages, current, inspections, households
