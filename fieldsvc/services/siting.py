"""Siting on any point files: no register, no database (``fieldsvc site``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import geopandas as gpd

from fieldsvc.analysis.site_frames import site_from_frames
from fieldsvc.analysis.siting import SitingResult
from fieldsvc.ingest.layers import read_layer


def site_from_files(
    *,
    demand_path: Path,
    candidates_path: Path,
    radius_m: float,
    count: int,
    weight_column: str | None = None,
    fixed_path: Path | None = None,
    method: Literal["greedy", "exact"] = "greedy",
    time_limit_s: float = 60.0,
) -> tuple[gpd.GeoDataFrame, SitingResult]:
    """Choose ``count`` of the candidate points covering the most demand within ``radius_m``.

    Each file may be GeoJSON, GeoPackage, Shapefile or KML, in any CRS; see
    :func:`fieldsvc.analysis.site_frames.site_from_frames` for the parameters and result.
    """
    return site_from_frames(
        read_layer(demand_path),
        read_layer(candidates_path),
        radius_m=radius_m,
        count=count,
        weight_column=weight_column,
        fixed=read_layer(fixed_path) if fixed_path is not None else None,
        method=method,
        time_limit_s=time_limit_s,
    )
