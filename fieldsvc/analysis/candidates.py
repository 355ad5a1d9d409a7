"""Candidate sites for new bins: a grid inside village polygons, household points, or
the centroids of uncovered household clusters. Everything here is in a projected CRS."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from fieldsvc.analysis.crs import require_projected
from fieldsvc.analysis.errors import AnalysisInputError

CANDIDATE_COLUMNS = ("village_id", "source")


def grid_candidates(villages: gpd.GeoDataFrame, spacing_m: float = 50.0) -> gpd.GeoDataFrame:
    """Points on a square grid of ``spacing_m`` inside each village polygon.

    Parameters
    ----------
    villages
        ``village_id`` + polygon ``geometry`` in a projected CRS in metres; villages without
        a polygon are skipped (use :func:`point_candidates` for them).
    spacing_m
        Grid spacing in metres; the grid is offset by half a spacing from the bounds.

    Returns
    -------
    geopandas.GeoDataFrame
        ``village_id, source="grid", geometry`` (Point), same CRS.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> v = gpd.GeoDataFrame({"village_id": [1]}, geometry=[box(0, 0, 100, 100)], crs=32647)
    >>> len(grid_candidates(v, spacing_m=50))
    4
    """
    crs = require_projected(villages, "villages")
    has_polygon = ~(villages.geometry.isna() | villages.geometry.is_empty)
    xy, owner = grid_points(villages.geometry[has_polygon].to_numpy(), spacing_m)
    ids = villages.loc[has_polygon, "village_id"].to_numpy(dtype=object)[owner]
    return gpd.GeoDataFrame(
        {"village_id": ids, "source": "grid"},
        geometry=shapely.points(xy[:, 0], xy[:, 1]),
        crs=crs,
    )


def grid_points(
    polygons: npt.NDArray[np.object_], spacing_m: float = 50.0
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.intp]]:
    """The grid of :func:`grid_candidates` as arrays: ``(xy, owner)``, the points of each
    polygon in turn (``owner`` is the polygon's position in ``polygons``).

    ``polygons`` are non-missing, non-empty shapely polygons in metres.
    """
    if not spacing_m > 0:
        raise AnalysisInputError.of("parameter_not_positive", field="spacing_m", name="spacing_m")
    xs, ys, owners = [], [], []
    for k, poly in enumerate(polygons):
        minx, miny, maxx, maxy = poly.bounds
        gx, gy = np.meshgrid(
            np.arange(minx + spacing_m / 2, maxx, spacing_m),
            np.arange(miny + spacing_m / 2, maxy, spacing_m),
        )
        inside = shapely.contains_xy(poly, gx.ravel(), gy.ravel())
        xs.append(gx.ravel()[inside])
        ys.append(gy.ravel()[inside])
        owners.append(np.full(int(inside.sum()), k, dtype=np.intp))
    if not xs:
        return np.empty((0, 2)), np.empty(0, dtype=np.intp)
    return np.column_stack([np.concatenate(xs), np.concatenate(ys)]), np.concatenate(owners)


def point_candidates(points: gpd.GeoDataFrame, source: str) -> gpd.GeoDataFrame:
    """Use existing points (households, cluster centroids, user sites) as candidates.

    ``points`` needs ``village_id`` and Point geometry in a projected CRS; rows without a
    location are left out (they cannot host a bin).
    """
    crs = require_projected(points, source)
    if "village_id" not in points.columns:
        raise AnalysisInputError.of(
            "candidates_without_village_id", field=f"{source}.village_id", source=source
        )
    located = ~(points.geometry.isna() | points.geometry.is_empty)
    if not points.geometry[located].geom_type.eq("Point").all():
        raise AnalysisInputError.of("candidates_not_points", field=source, source=source)
    return gpd.GeoDataFrame(
        {"village_id": points.loc[located, "village_id"].to_numpy(), "source": source},
        geometry=points.geometry[located].to_numpy(),
        crs=crs,
    )


def combine_candidates(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Stack candidate frames (same CRS) and number them ``candidate_id`` 0..n-1."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return gpd.GeoDataFrame(
            {"candidate_id": [], "village_id": [], "source": []}, geometry=[], crs=None
        )
    combined = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
    combined.insert(0, "candidate_id", np.arange(len(combined)))
    return combined
