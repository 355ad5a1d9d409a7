"""Maximal covering siting on point layers (GeoDataFrames in any CRS)."""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.spatial import cKDTree

from fieldsvc.analysis.crs import choose_metric_crs, point_xy
from fieldsvc.analysis.errors import AnalysisInputError
from fieldsvc.analysis.siting import SitingResult, solve_max_cover


def site_from_frames(
    demand: gpd.GeoDataFrame,
    candidates: gpd.GeoDataFrame,
    *,
    radius_m: float,
    count: int,
    weight_column: str | None = None,
    fixed: gpd.GeoDataFrame | None = None,
    method: Literal["greedy", "exact"] = "greedy",
    time_limit_s: float = 60.0,
) -> tuple[gpd.GeoDataFrame, SitingResult]:
    """Choose ``count`` candidate points that cover the most demand within ``radius_m``.

    Parameters
    ----------
    demand, candidates
        Point layers; they may be in different CRSs (both are reprojected to one metric CRS
        chosen for their combined extent).
    radius_m
        Coverage radius, metres (straight line).
    count
        Number of sites to choose.
    weight_column
        Demand column holding weights (e.g. households or persons); default 1 per point.
    fixed
        Existing sites whose coverage is taken as given.
    method
        ``"greedy"`` (fast heuristic) or ``"exact"`` (MILP with CBC).

    Returns
    -------
    chosen : GeoDataFrame
        The chosen candidates (their own columns kept) in the order chosen, with ``rank``
        and ``added_weight`` (demand newly covered when the site is added in that order),
        in the candidates' CRS.
    result : SitingResult

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> pts = gpd.GeoDataFrame(geometry=[Point(0, 0), Point(10, 0), Point(500, 0)], crs=32648)
    >>> chosen, result = site_from_frames(pts, pts, radius_m=20, count=1)
    >>> chosen["added_weight"].tolist()
    [2.0]
    """
    for name, frame in (("demand", demand), ("candidates", candidates)):
        if frame.crs is None:
            raise AnalysisInputError.of("site_frame_crs_missing", field=name, name=name)
    candidates_4326 = candidates.to_crs(4326)
    demand_4326 = demand.to_crs(4326)
    metric = choose_metric_crs([demand_4326, candidates_4326])
    d_xy, d_ok = point_xy(demand_4326.geometry, metric, name="demand")
    c_xy, c_ok = point_xy(candidates_4326.geometry, metric, name="candidates")
    if weight_column is None:
        weights = np.ones(len(demand))
    else:
        if weight_column not in demand.columns:
            raise AnalysisInputError.of(
                "weight_column_missing",
                field="weight",
                column=weight_column,
                columns=list(demand.columns),
            )
        weights = pd.to_numeric(demand[weight_column], errors="coerce").fillna(0).to_numpy()
    fixed_xy = None
    if fixed is not None and len(fixed):
        f_xy, f_ok = point_xy(fixed.to_crs(4326).geometry, metric, name="fixed")
        fixed_xy = f_xy[f_ok]
    result = solve_max_cover(
        d_xy[d_ok],
        weights[d_ok],
        c_xy[c_ok],
        radius_m,
        count,
        fixed_xy=fixed_xy,
        method=method,
        time_limit_s=time_limit_s,
    )
    located = np.flatnonzero(c_ok)
    picked = located[result.chosen]
    chosen = candidates.iloc[picked].copy()
    chosen.insert(0, "rank", np.arange(1, len(chosen) + 1))
    chosen["added_weight"] = added_weights(
        d_xy[d_ok], weights[d_ok], c_xy[picked], radius_m, fixed_xy=fixed_xy
    )
    return chosen, result


def added_weights(
    demand_xy: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64],
    site_xy: npt.NDArray[np.float64],
    radius_m: float,
    *,
    fixed_xy: npt.NDArray[np.float64] | None = None,
) -> list[float]:
    """Demand weight each site newly covers when the sites are added in the given order.

    Examples
    --------
    >>> import numpy as np
    >>> d = np.array([[0.0, 0.0], [10.0, 0.0]])
    >>> added_weights(d, np.ones(2), np.array([[0.0, 0.0], [10.0, 0.0]]), radius_m=15)
    [2.0, 0.0]
    """
    if len(demand_xy) == 0:
        return [0.0] * len(site_xy)
    tree = cKDTree(demand_xy)
    reach = radius_m * (1 + 1e-12)
    covered = np.zeros(len(demand_xy), dtype=bool)
    if fixed_xy is not None and len(fixed_xy):
        distance, _ = cKDTree(fixed_xy).query(demand_xy, k=1, distance_upper_bound=reach)
        covered = distance <= reach
    added: list[float] = []
    for xy in site_xy:
        idx = np.asarray(tree.query_ball_point(xy, reach), dtype=int)
        new = idx[~covered[idx]] if len(idx) else idx
        added.append(float(weights[new].sum()))
        covered[new] = True
    return added
