"""The register as it stood on past dates, rebuilt from the inspection history.

Inspections are append-only: each one is an observation of a bin at ``observed_at``. The
state of a bin *as of* a day is its latest observation made before the end of that day
(local time): its condition, and the latest known stream, size and position. A bin exists on
a day when it had been observed by then, or when its ``installed_on`` date is on or before it.

:func:`bins_as_of` rebuilds one day directly (filter, sort, take the last); it is the
reference. :func:`bins_at_dates` rebuilds many days in one pass over the history: the
inspections are sorted once by bin and time, and each (day, bin) pair finds its latest
observation by binary search (``searchsorted``) — the cost of twelve month-ends is close to
the cost of one.

Choices where the history is silent:

- a bin's village is the one it belongs to now (inspections do not record a village);
- a bin installed but not yet inspected on a day counts as ``usable`` with its first known
  stream, size and position (those of the current register row);
- a value an inspection left empty (size, stream, position) keeps the bin's previous one, as
  the register itself does when it applies an inspection.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta, tzinfo

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from fieldsvc.analysis.inputs import require_columns

#: Columns of the inspection history frame (``observed_at`` timezone-aware).
HISTORY_COLUMNS = ("bin_id", "observed_at", "condition", "capacity_l", "stream", "lon", "lat")

#: Condition of a bin installed but not yet inspected.
INSTALLED_CONDITION = "usable"

# Seconds since a base fit in 33 bits for 272 years; bin positions take the upper bits.
_TIME_BITS = 33


def day_end_instants(days: Sequence[date], *, tz: tzinfo | str) -> pd.DatetimeIndex:
    """The instant each day ends in ``tz`` (start of the next local day), in UTC.

    >>> day_end_instants([date(2026, 9, 30)], tz="UTC")[0].isoformat()
    '2026-10-01T00:00:00+00:00'
    """
    starts = [pd.Timestamp(d + timedelta(days=1)).tz_localize(tz) for d in days]
    return pd.DatetimeIndex(starts).tz_convert("UTC")


def _check(bins: pd.DataFrame, inspections: pd.DataFrame) -> None:
    require_columns(bins, "bins", ("bin_id", "village_id", "capacity_l", "stream", "condition"))
    require_columns(inspections, "inspections", HISTORY_COLUMNS)


def _epoch_seconds(instants: pd.Series | pd.DatetimeIndex) -> npt.NDArray[np.int64]:
    """Whole seconds since 1970 (UTC) of timezone-aware instants."""
    naive = pd.DatetimeIndex(pd.to_datetime(instants, utc=True)).tz_localize(None)
    return np.asarray(naive.to_numpy().astype("datetime64[s]").astype(np.int64))


def _installed_days(bins: pd.DataFrame) -> npt.NDArray[np.int64]:
    """Each bin's ``installed_on`` as days since 1970; a bin without one: never installed."""
    never = np.iinfo(np.int64).max
    if "installed_on" not in bins.columns:
        return np.full(len(bins), never, dtype=np.int64)
    installed = pd.to_datetime(bins["installed_on"], errors="coerce")
    days = installed.to_numpy().astype("datetime64[D]")
    return np.where(np.isnat(days), never, days.astype(np.int64))


def _day_number(day: date) -> int:
    return (day - date(1970, 1, 1)).days


def _current_xy(bins: pd.DataFrame) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Longitude and latitude of each bin's register point (NaN where it has none)."""
    cur_x = np.full(len(bins), np.nan)
    cur_y = np.full(len(bins), np.nan)
    if "geometry" in bins.columns:
        geoms = np.asarray(gpd.GeoSeries(bins["geometry"]).array, dtype=object)
        has_point = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        cur_x[has_point] = shapely.get_x(geoms[has_point])
        cur_y[has_point] = shapely.get_y(geoms[has_point])
    return cur_x, cur_y


def _points(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> npt.NDArray[np.object_]:
    geometry = shapely.points(x, y)
    geometry[np.isnan(x) | np.isnan(y)] = None
    return np.asarray(geometry, dtype=object)


def _state_frame(
    bins: pd.DataFrame,
    rows: npt.NDArray[np.intp],
    condition: npt.ArrayLike,
    capacity_l: npt.NDArray[np.float64],
    stream: npt.ArrayLike,
    geometry: npt.NDArray[np.object_],
) -> gpd.GeoDataFrame:
    """Bins ``rows`` of ``bins`` with their state replaced; a missing size or stream keeps the
    register's."""
    plain = pd.DataFrame(bins).drop(columns=["geometry"], errors="ignore")
    base = plain.iloc[rows].reset_index(drop=True)
    capacity = np.where(np.isnan(capacity_l), base["capacity_l"].to_numpy(float), capacity_l)
    stream_arr = np.asarray(stream, dtype=object)
    unknown_stream = pd.isna(stream_arr)
    if unknown_stream.any():
        stream_arr = np.where(unknown_stream, base["stream"].to_numpy(object), stream_arr)
    base["capacity_l"] = capacity
    base["stream"] = stream_arr
    base["condition"] = np.asarray(condition, dtype=object)
    crs = bins.crs if isinstance(bins, gpd.GeoDataFrame) else "EPSG:4326"
    return gpd.GeoDataFrame(base, geometry=geometry, crs=crs)


def bins_as_of(
    bins: pd.DataFrame, inspections: pd.DataFrame, as_of: date, *, tz: tzinfo | str
) -> gpd.GeoDataFrame:
    """The bins that existed at the end of ``as_of`` and their state then.

    Parameters
    ----------
    bins
        The register now: ``bin_id, village_id, capacity_l, stream, condition, geometry``
        (Point, EPSG:4326) and optionally ``installed_on`` (date).
    inspections
        The history: ``bin_id, observed_at`` (timezone-aware), ``condition, capacity_l,
        stream, lon, lat`` (the last four nullable: not observed). Rows of equal
        ``observed_at`` count in their order in the frame (order by id).
    as_of
        The day; observations made before its end in ``tz`` count.
    tz
        Time zone whose midnight ends the day (the office passes Thailand's).

    Returns
    -------
    geopandas.GeoDataFrame
        The columns of ``bins`` for the bins existing on ``as_of``, with ``condition``,
        ``capacity_l`` (litres), ``stream`` and ``geometry`` as of that day.

    Examples
    --------
    >>> bins = gpd.GeoDataFrame({"bin_id": [1], "village_id": [1], "capacity_l": [240.0],
    ...     "stream": ["general"], "condition": ["usable"]},
    ...     geometry=gpd.points_from_xy([100.0], [14.0]), crs=4326)
    >>> history = pd.DataFrame({"bin_id": [1, 1], "observed_at": pd.to_datetime(
    ...     ["2026-10-05T03:00Z", "2026-11-20T03:00Z"]), "condition": ["damaged", "usable"],
    ...     "capacity_l": [240.0, None], "stream": ["general", None],
    ...     "lon": [100.0, None], "lat": [14.0, None]})
    >>> bins_as_of(bins, history, date(2026, 10, 31), tz="Etc/GMT-7")["condition"].tolist()
    ['damaged']
    >>> len(bins_as_of(bins, history, date(2026, 10, 1), tz="Etc/GMT-7"))
    0
    """
    _check(bins, inspections)
    cutoff = day_end_instants([as_of], tz=tz)[0]
    observed = pd.to_datetime(inspections["observed_at"], utc=True)
    seen = pd.DataFrame(inspections.loc[(observed < cutoff).to_numpy(), list(HISTORY_COLUMNS)])
    seen["_t"] = observed[(observed < cutoff).to_numpy()]
    seen = seen.sort_values("_t", kind="stable")
    latest = seen.groupby("bin_id", sort=False)
    # groupby().last() takes each column's last non-null value: the latest known one.
    condition = latest["condition"].last()
    values = latest[["capacity_l", "stream"]].last()
    point = seen.dropna(subset=["lon", "lat"]).groupby("bin_id", sort=False)[["lon", "lat"]]
    position = point.last()

    ids = pd.Index(bins["bin_id"])
    exists = ids.isin(condition.index) | (_installed_days(bins) <= _day_number(as_of))
    rows = np.flatnonzero(exists)
    chosen = ids[rows]
    cond = condition.reindex(chosen).to_numpy(object)
    cond = np.where(pd.isna(cond), INSTALLED_CONDITION, cond)
    vals = values.reindex(chosen)
    pos = position.reindex(chosen)
    lon, lat = pos["lon"].to_numpy(float), pos["lat"].to_numpy(float)
    cur_x, cur_y = _current_xy(bins)
    located = ~(np.isnan(lon) | np.isnan(lat))
    return _state_frame(
        bins,
        rows,
        cond,
        pd.to_numeric(vals["capacity_l"]).to_numpy(float),
        vals["stream"].to_numpy(object),
        _points(np.where(located, lon, cur_x[rows]), np.where(located, lat, cur_y[rows])),
    )


def _carry_forward(
    values_known: npt.NDArray[np.bool_], group_start: npt.NDArray[np.intp]
) -> npt.NDArray[np.intp]:
    """Per sorted row, the row of the latest known value within its bin, or -1."""
    idx = np.where(values_known, np.arange(len(values_known)), -1)
    idx = np.maximum.accumulate(idx) if len(idx) else idx
    return np.where(idx >= group_start, idx, -1)


def bins_at_dates(
    bins: pd.DataFrame, inspections: pd.DataFrame, days: Sequence[date], *, tz: tzinfo | str
) -> gpd.GeoDataFrame:
    """The register as of each of ``days``, in one pass over the history.

    Same answer as calling :func:`bins_as_of` for every day, stacked; the history is
    sorted once and every (day, bin) pair finds its latest observation by binary search.

    Parameters
    ----------
    bins, inspections, tz
        As for :func:`bins_as_of`.
    days
        The days (e.g. :func:`fiscal_month_ends`).

    Returns
    -------
    geopandas.GeoDataFrame
        The rows of :func:`bins_as_of` for every day, with a leading ``as_of`` column (date),
        days in the given order, bins in register order within a day.
    """
    _check(bins, inspections)
    ids = pd.Index(bins["bin_id"])
    n_bins = len(ids)
    bin_pos = ids.get_indexer(inspections["bin_id"])
    known = bin_pos >= 0  # inspections of bins no longer in the register count for none
    seconds = _epoch_seconds(inspections["observed_at"])[known]
    bin_pos = bin_pos[known]
    cutoffs = day_end_instants(days, tz=tz)
    cut_s = _epoch_seconds(cutoffs)
    base = int(min(seconds.min() if len(seconds) else 0, cut_s.min() if len(cut_s) else 0)) - 1
    # One sort by (bin, time) packed in one integer; stable, so equal times keep row order.
    packed = (bin_pos.astype(np.int64) << _TIME_BITS) + (seconds - base)
    order = np.argsort(packed, kind="stable")
    key = packed[order]
    sorted_bin = bin_pos[order]
    group_start = np.searchsorted(sorted_bin, sorted_bin, side="left")

    hist = inspections.loc[known, ["condition", "capacity_l", "stream", "lon", "lat"]]
    condition = hist["condition"].to_numpy(object)[order]
    capacity = pd.to_numeric(hist["capacity_l"]).to_numpy(float)[order]
    stream = hist["stream"].to_numpy(object)[order]
    lon = pd.to_numeric(hist["lon"]).to_numpy(float)[order]
    lat = pd.to_numeric(hist["lat"]).to_numpy(float)[order]
    cap_row = _carry_forward(~np.isnan(capacity), group_start)
    stream_row = _carry_forward(~pd.isna(stream), group_start)
    point_row = _carry_forward(~(np.isnan(lon) | np.isnan(lat)), group_start)

    # Every (day, bin) query at once: the last sorted row with key < (bin, cutoff).
    queries = (np.arange(n_bins, dtype=np.int64)[None, :] << _TIME_BITS) + (cut_s[:, None] - base)
    found = np.searchsorted(key, queries.ravel(), side="left") - 1
    bins_of_query = np.tile(np.arange(n_bins), len(days))
    observed = (found >= 0) & (
        sorted_bin[np.maximum(found, 0)] == bins_of_query
        if len(sorted_bin)
        else np.zeros(len(found), dtype=bool)  # no history yet: bins stand as installed
    )
    installed_day = _installed_days(bins)
    day_numbers = np.array([_day_number(d) for d in days], dtype=np.int64)
    installed = (installed_day[None, :] <= day_numbers[:, None]).ravel()
    exists = observed | installed
    q = np.flatnonzero(exists)
    row = np.where(observed[q], found[q], -1)

    def pick(values: npt.NDArray, via: npt.NDArray[np.intp] | None, missing: object) -> npt.NDArray:
        at = row if via is None or not len(via) else np.where(row >= 0, via[np.maximum(row, 0)], -1)
        out = values[np.maximum(at, 0)].copy() if len(values) else np.full(len(at), missing)
        out[at < 0] = missing
        return out

    # Positions: most bins stand still from month to month, so each distinct source (an
    # inspection's point, or the register's point: -1 - bin) becomes a geometry once.
    chosen_bins = bins_of_query[q]
    at = np.where(row >= 0, point_row[np.maximum(row, 0)], -1) if len(point_row) else row
    source = np.where(at >= 0, at, -1 - chosen_bins)
    sources, inverse = np.unique(source, return_inverse=True)
    cur_x, cur_y = _current_xy(bins)
    from_history = sources >= 0
    src_x = np.where(from_history, lon[np.maximum(sources, 0)] if len(lon) else np.nan, 0.0)
    src_y = np.where(from_history, lat[np.maximum(sources, 0)] if len(lat) else np.nan, 0.0)
    src_x[~from_history] = cur_x[-1 - sources[~from_history]]
    src_y[~from_history] = cur_y[-1 - sources[~from_history]]
    frame = _state_frame(
        bins,
        chosen_bins,
        pick(condition, None, INSTALLED_CONDITION),
        pick(capacity, cap_row, np.nan).astype(float),
        pick(stream, stream_row, None),
        _points(src_x, src_y)[inverse.ravel()],
    )
    frame.insert(0, "as_of", np.repeat(np.asarray(list(days), dtype=object), n_bins)[q])
    return frame
