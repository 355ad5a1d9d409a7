"""Household demand from building footprints, and what each village's households rest on.

A village's households are *surveyed points* when it has any, else *building proxies*
(footprints standing in for houses, weighted so the village's total equals its registered
house count when it has one), else the *register count only*. Everything here is pure:
arrays and frames in, arrays and frames out.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from fieldsvc.analysis.defaults import (
    MAX_BUILDING_AREA_M2,
    MIN_BUILDING_AREA_M2,
    MIN_BUILDING_CONFIDENCE,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

#: ``households.source`` values (as stored) and ``household_basis`` values of a village.
SURVEY = "survey"
BUILDING = "building"
COUNT = "count"
NONE = "none"


@dataclass(frozen=True)
class BuildingFilter:
    """Which footprints count as houses: area in m² (inclusive bounds) and model confidence."""

    min_area_m2: float = MIN_BUILDING_AREA_M2
    max_area_m2: float = MAX_BUILDING_AREA_M2
    min_confidence: float = MIN_BUILDING_CONFIDENCE

    @property
    def valid(self) -> bool:
        return 0.0 <= self.min_area_m2 < self.max_area_m2 and 0.0 <= self.min_confidence <= 1.0


def filter_buildings(
    lon: FloatArray,
    lat: FloatArray,
    area_m2: FloatArray,
    confidence: FloatArray,
    rule: BuildingFilter = BuildingFilter(),
) -> tuple[npt.NDArray[np.bool_], dict[str, int]]:
    """Keep footprints with a usable location, area within bounds and enough confidence.

    Parameters
    ----------
    lon, lat
        Degrees (EPSG:4326) of each footprint's centre.
    area_m2
        Footprint area, square metres.
    confidence
        Detection confidence 0–1; NaN (e.g. OpenStreetMap, drawn by people) passes.
    rule
        The thresholds.

    Returns
    -------
    keep, dropped
        A boolean mask and the number dropped per reason (``bad_location``,
        ``low_confidence``, ``too_small``, ``too_large``; each footprint counted once, in
        that order).

    Examples
    --------
    >>> keep, dropped = filter_buildings(
    ...     np.array([100.5, 100.5, 100.5]), np.array([14.0, 14.0, 14.0]),
    ...     np.array([50.0, 5.0, 60.0]), np.array([0.9, 0.9, 0.5]))
    >>> keep.tolist(), dropped["too_small"], dropped["low_confidence"]
    ([True, False, False], 1, 1)
    """
    bad_location = ~(
        np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    )
    low_confidence = ~bad_location & (confidence < rule.min_confidence)
    rest = ~(bad_location | low_confidence)
    area_known = np.isfinite(area_m2)
    too_small = rest & area_known & (area_m2 < rule.min_area_m2)
    too_large = rest & area_known & (area_m2 > rule.max_area_m2)
    no_area = rest & ~area_known
    keep = rest & ~(too_small | too_large | no_area)
    dropped = {
        "bad_location": int(bad_location.sum()),
        "low_confidence": int(low_confidence.sum()),
        "too_small": int(too_small.sum()),
        "too_large": int(too_large.sum()),
        "no_area": int(no_area.sum()),
    }
    return keep, dropped


def assign_to_villages(lon: FloatArray, lat: FloatArray, villages: gpd.GeoDataFrame) -> IntArray:
    """Row position in ``villages`` of the polygon holding each point; -1 outside them all.

    Points and polygons share the villages' CRS (lon/lat is fine: containment needs no
    metres). Points are sorted by x once; each village tests only the points in its
    bounding box's x-strip, vectorised (no per-point Python). A point on a shared border
    goes to the first village in frame order.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> v = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)])
    >>> assign_to_villages(np.array([0.5, 1.5, 3.0]), np.array([0.5, 0.5, 0.5]), v).tolist()
    [0, 1, -1]
    """
    result = np.full(len(lon), -1, dtype=np.intp)
    order = np.argsort(lon, kind="stable")
    xs = lon[order]
    for pos, polygon in enumerate(villages.geometry.to_numpy()):
        if polygon is None or shapely.is_empty(polygon):
            continue
        minx, miny, maxx, maxy = shapely.bounds(polygon)
        lo, hi = np.searchsorted(xs, minx, "left"), np.searchsorted(xs, maxx, "right")
        rows = order[lo:hi]
        rows = rows[(result[rows] < 0) & (lat[rows] >= miny) & (lat[rows] <= maxy)]
        if len(rows) == 0:
            continue
        shapely.prepare(polygon)
        inside = shapely.intersects_xy(polygon, lon[rows], lat[rows])
        result[rows[inside]] = pos
    return result


def building_weights(village_pos: IntArray, registered: FloatArray) -> FloatArray:
    """Households each building stands for: its village's registered houses / its buildings.

    Parameters
    ----------
    village_pos
        Position of each building's village (0..n-1).
    registered
        Registered house count per village position; NaN where unknown.

    Returns
    -------
    numpy.ndarray
        One weight per building; 1 where the village has no registered count, so each
        village's weights sum to its registered count when it has one.

    Examples
    --------
    >>> building_weights(np.array([0, 0, 0, 0, 1]), np.array([6.0, np.nan])).tolist()
    [1.5, 1.5, 1.5, 1.5, 1.0]
    """
    n_v = len(registered)
    count = np.bincount(village_pos, minlength=n_v).astype(float)
    per_village = np.where(
        np.isfinite(registered) & (count > 0), registered / np.maximum(count, 1.0), 1.0
    )
    return per_village[village_pos]


def demand_households(
    villages: pd.DataFrame, households: gpd.GeoDataFrame | None
) -> gpd.GeoDataFrame | None:
    """The households that stand for demand, each with its ``weight``.

    A village with surveyed points uses them only (its building proxies are left out); in
    the others building proxies are weighted to the village's current registered count
    (``villages.households``), so a count imported after the buildings takes effect.
    ``source``/``weight`` columns are optional: without them every point is a surveyed
    house of weight 1. Points of villages not in ``villages`` are kept as they are.
    """
    if households is None:
        return None
    # A shallow copy is a copy: pandas copies the shared columns on the first write.
    frame = households.copy(deep=False)
    if "source" not in frame.columns:
        frame["source"] = SURVEY
    # columns already as they must be (the storage bridge's) are left as they are: each
    # assignment to a GeoDataFrame costs more than the rest of a subdistrict's checks
    source = frame["source"]
    if source.hasnans or source.dtype != "str":
        frame["source"] = (source.fillna(SURVEY) if source.hasnans else source).astype(str)
    if "weight" not in frame.columns:
        frame["weight"] = 1.0
    weight = frame["weight"]
    if weight.hasnans or weight.dtype != np.float64:
        weight = pd.to_numeric(weight, errors="coerce")
        frame["weight"] = (weight.fillna(1.0) if weight.hasnans else weight).astype(float)
    is_building = (frame["source"] == BUILDING).to_numpy()
    if not is_building.any():
        return frame
    surveyed_villages = pd.unique(frame.loc[~is_building, "village_id"].dropna())
    drop = is_building & frame["village_id"].isin(surveyed_villages).to_numpy()
    frame = frame.loc[~drop]
    is_building = (frame["source"] == BUILDING).to_numpy()
    village_ids = pd.Index(villages["village_id"])
    pos = village_ids.get_indexer(frame["village_id"].to_numpy()[is_building])
    known = pos >= 0
    registered = pd.to_numeric(villages["households"], errors="coerce").to_numpy(dtype=float)
    weights = frame["weight"].to_numpy(dtype=float).copy()
    building_rows = np.flatnonzero(is_building)
    reweighted = building_weights(pos[known], registered)
    has_count = np.isfinite(registered)[pos[known]]
    weights[building_rows[known][has_count]] = reweighted[has_count]
    frame["weight"] = weights
    return frame


def household_basis(villages: pd.DataFrame, households: pd.DataFrame | None) -> pd.Series:
    """Per village (index ``village_id``): ``survey``, ``building``, ``count`` or ``none``.

    ``households`` is a frame as returned by :func:`demand_households` (or any with
    ``village_id`` and optionally ``source``).
    """
    village_ids = pd.Index(villages["village_id"])
    registered = pd.to_numeric(villages["households"], errors="coerce").to_numpy(dtype=float)
    basis = np.where(np.isfinite(registered), COUNT, NONE).astype(object)
    if households is not None and len(households):
        is_building = (
            households["source"].astype(str).to_numpy() == BUILDING
            if "source" in households.columns
            else np.zeros(len(households), dtype=bool)
        )
        pos = village_ids.get_indexer(households["village_id"])
        basis[pos[is_building & (pos >= 0)]] = BUILDING
        basis[pos[~is_building & (pos >= 0)]] = SURVEY
    return pd.Series(basis, index=village_ids, dtype=object, name="household_basis")


@dataclass(frozen=True, eq=False)
class BuildingDemand:
    """Output of :func:`building_demand`.

    Attributes
    ----------
    households
        One row per kept building: ``ref, village_id, lon, lat, weight`` (EPSG:4326).
    dropped
        Footprints left out per reason: the filter's reasons, ``outside_villages`` and
        ``village_surveyed`` (the village already has surveyed points).
    by_village
        ``village_id, buildings, registered, weight, used`` for every village holding kept
        buildings (``used`` False: left out because the village is surveyed).
    """

    households: pd.DataFrame
    dropped: dict[str, int]
    by_village: pd.DataFrame


def building_demand(
    buildings: pd.DataFrame,
    villages: gpd.GeoDataFrame,
    rule: BuildingFilter = BuildingFilter(),
    *,
    surveyed_village_ids: npt.ArrayLike = (),
) -> BuildingDemand:
    """Filter building footprints, assign them to villages and weight them to the register.

    Parameters
    ----------
    buildings
        ``ref, lon, lat, area_m2, confidence`` (degrees, m², 0–1 or NaN).
    villages
        ``village_id, households`` and polygon geometry in EPSG:4326 (None where unknown).
    rule
        Area and confidence thresholds.
    surveyed_village_ids
        Villages whose households are surveyed points: their buildings are left out.

    Returns
    -------
    BuildingDemand

    Examples
    --------
    >>> from shapely.geometry import box
    >>> v = gpd.GeoDataFrame({"village_id": [7], "households": [3]}, geometry=[box(0, 0, 1, 1)])
    >>> b = pd.DataFrame({"ref": ["a", "b", "c"], "lon": [0.2, 0.4, 2.0],
    ...                   "lat": [0.5, 0.5, 0.5], "area_m2": [50.0, 80.0, 90.0],
    ...                   "confidence": [0.9, 0.8, 0.9]})
    >>> out = building_demand(b, v)
    >>> out.households["weight"].tolist(), out.dropped["outside_villages"]
    ([1.5, 1.5], 1)
    """
    lon = buildings["lon"].to_numpy(dtype=float)
    lat = buildings["lat"].to_numpy(dtype=float)
    keep, dropped = filter_buildings(
        lon,
        lat,
        buildings["area_m2"].to_numpy(dtype=float),
        buildings["confidence"].to_numpy(dtype=float),
        rule,
    )
    rows = np.flatnonzero(keep)
    pos = assign_to_villages(lon[rows], lat[rows], villages)
    dropped["outside_villages"] = int((pos < 0).sum())
    rows, pos = rows[pos >= 0], pos[pos >= 0]
    village_ids = villages["village_id"].to_numpy()
    surveyed = np.isin(village_ids, np.asarray(surveyed_village_ids))
    in_village = np.bincount(pos, minlength=len(villages))
    in_surveyed = surveyed[pos]
    dropped["village_surveyed"] = int(in_surveyed.sum())
    rows, pos = rows[~in_surveyed], pos[~in_surveyed]
    registered = pd.to_numeric(villages["households"], errors="coerce").to_numpy(dtype=float)
    weights = building_weights(pos, registered)
    households = pd.DataFrame(
        {
            "ref": buildings["ref"].to_numpy()[rows],
            "village_id": village_ids[pos],
            "lon": lon[rows],
            "lat": lat[rows],
            "weight": weights,
        }
    )
    got = np.flatnonzero(in_village)
    counts = in_village[got]
    by_village = pd.DataFrame(
        {
            "village_id": village_ids[got],
            "buildings": counts,
            "registered": registered[got],
            "weight": np.where(np.isfinite(registered[got]), registered[got] / counts, 1.0),
            "used": ~surveyed[got],
        }
    )
    return BuildingDemand(households=households, dropped=dropped, by_village=by_village)
